#!/usr/bin/env python3
"""Draws the app icons (1024x1024 PNG, no alpha, as App Store icons must be) with the standard
library only, so they can be regenerated anywhere: python3 ios/tools/make-icons.py.

AppIcon is Waymark's own; the alternates look like ordinary utilities, so someone glancing at
the home screen does not see a safety app. iOS lets an app switch its icon at run time
(UIApplication.setAlternateIconName) but not the name shown under it."""
import os
import struct
import zlib

N = 1024
HERE = os.path.dirname(os.path.abspath(__file__))
ASSETS = os.path.join(HERE, "..", "App", "Assets.xcassets")


def png(path, pixel):
    rows = bytearray()
    for y in range(N):
        rows.append(0)
        for x in range(N):
            rows.extend(pixel(x, y))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 2, 0, 0, 0))
    body += chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(body)


def waymark(x, y):
    # A waypoint: a ring with a dot, white on deep teal.
    d2 = (x - 512) ** 2 + (y - 470) ** 2
    if d2 < 90 ** 2 or 210 ** 2 < d2 < 280 ** 2:
        return (255, 255, 255)
    if abs(x - 512) < 30 and 740 < y < 860:
        return (255, 255, 255)
    return (16, 78, 89)


def calculator(x, y):
    # Keys in a 4 x 5 grid; the right column orange.
    gx, gy = (x - 112) // 200, (y - 112) // 160
    inside = 0 <= gx < 4 and 0 <= gy < 5 and (x - 112) % 200 < 170 and (y - 112) % 160 < 130
    if inside:
        return (255, 149, 0) if gx == 3 else (90, 90, 94)
    return (28, 28, 30)


def notes(x, y):
    # A notepad: yellow band, ruled lines.
    if y < 250:
        return (255, 204, 0)
    if 140 < x < 884 and (y - 250) % 130 in range(110, 122):
        return (200, 200, 204)
    return (252, 252, 250)


ICONS = {"AppIcon": waymark, "AppIcon-Calculator": calculator, "AppIcon-Notes": notes}

for name, draw in ICONS.items():
    folder = os.path.join(ASSETS, name + ".appiconset")
    os.makedirs(folder, exist_ok=True)
    png(os.path.join(folder, "icon-1024.png"), draw)
    with open(os.path.join(folder, "Contents.json"), "w") as f:
        f.write(
            '{\n  "images" : [\n    {\n      "filename" : "icon-1024.png",\n'
            '      "idiom" : "universal",\n      "platform" : "ios",\n      "size" : "1024x1024"\n'
            '    }\n  ],\n  "info" : {\n    "author" : "xcode",\n    "version" : 1\n  }\n}\n'
        )
with open(os.path.join(ASSETS, "Contents.json"), "w") as f:
    f.write('{\n  "info" : {\n    "author" : "xcode",\n    "version" : 1\n  }\n}\n')
