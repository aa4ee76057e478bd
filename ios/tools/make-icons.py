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


def near_segment(x, y, a, b, width):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / float(dx * dx + dy * dy)))
    return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 < width ** 2


def tasks(x, y):
    # A checklist: three rows, each a box with a tick and a line.
    for row in range(3):
        top = 250 + row * 200
        if top <= y < top + 120:
            if 180 <= x < 300:
                edge = x < 195 or x >= 285 or y < top + 15 or y >= top + 105
                tick = (near_segment(x, y, (210, top + 60), (235, top + 85), 9)
                        or near_segment(x, y, (235, top + 85), (275, top + 35), 9))
                return (0, 122, 255) if edge or tick else (255, 255, 255)
            if 360 <= x < 840 and top + 50 <= y < top + 70:
                return (142, 142, 147)
    return (255, 255, 255)


def weather(x, y):
    # A sun behind a cloud on blue.
    cloud = ((x - 560) ** 2 + (y - 600) ** 2 < 170 ** 2 or (x - 380) ** 2 + (y - 650) ** 2 < 120 ** 2
             or (x - 720) ** 2 + (y - 660) ** 2 < 110 ** 2 or (300 < x < 800 and 640 < y < 770))
    if cloud:
        return (255, 255, 255)
    if (x - 400) ** 2 + (y - 400) ** 2 < 160 ** 2:
        return (255, 204, 0)
    return (74, 144, 226)


ICONS = {
    "AppIcon": waymark,
    "AppIcon-Calculator": calculator,
    "AppIcon-Notes": notes,
    "AppIcon-Tasks": tasks,
    "AppIcon-Weather": weather,
}

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
