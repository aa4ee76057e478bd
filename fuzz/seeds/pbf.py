#!/usr/bin/env python3
"""Writes tiny OpenStreetMap PBF maps (uncompressed blobs) for the map_import seed corpus:
a few nodes and two named streets, small enough for a fuzzer to mutate usefully."""
import struct, sys, zlib

def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def zz(n):  # sint64 zig-zag
    return (n << 1) ^ (n >> 63)

def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload

def packed(nums):
    return b"".join(varint(n) for n in nums)

def blob(kind, data, compress):
    if compress:
        body = field(2, 0, len(data)) + field(3, 2, zlib.compress(data))
    else:
        body = field(1, 2, data) + field(2, 0, len(data))
    header = field(1, 2, kind) + field(3, 0, len(body))
    return struct.pack(">I", len(header)) + header + body

def pbf(compress):
    header_block = field(4, 2, b"OsmSchema-V0.6") + field(4, 2, b"DenseNodes")
    strings = [b"", b"highway", b"residential", b"name", b"High Street", b"footway", b"Mill Lane"]
    table = b"".join(field(1, 2, s) for s in strings)
    nodes = b""
    coords = [(1, 60.1690, 24.9400), (2, 60.1700, 24.9420), (3, 60.1710, 24.9440), (4, 60.1705, 24.9460)]
    for nid, lat, lon in coords:
        nodes += field(1, 2, field(1, 0, zz(nid)) + field(8, 0, zz(round(lat * 1e7))) + field(9, 0, zz(round(lon * 1e7))))
    def way(wid, keys, vals, refs):
        deltas, prev = [], 0
        for r in refs:
            deltas.append(zz(r - prev)); prev = r
        return field(3, 2, field(1, 0, wid) + field(2, 2, packed(keys)) + field(3, 2, packed(vals)) + field(8, 2, packed(deltas)))
    ways = way(10, [1, 3], [2, 4], [1, 2, 3]) + way(11, [1, 3], [5, 6], [3, 4, 2])
    block = field(1, 2, table) + field(2, 2, nodes) + field(2, 2, ways) + field(17, 0, 100)
    return blob(b"OSMHeader", header_block, compress) + blob(b"OSMData", block, compress)

out = sys.argv[1]
open(out + "/tiny-raw.pbf", "wb").write(pbf(False))
open(out + "/tiny-zlib.pbf", "wb").write(pbf(True))
