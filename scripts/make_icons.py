"""Draws the app icons (a red play mark on the dark theme colour) as PNGs with the standard
library only. Run once when the design changes: python3 scripts/make_icons.py"""
import struct
import zlib
from pathlib import Path

BG = (15, 17, 21)
RED = (229, 9, 20)
HERE = Path(__file__).resolve().parent.parent / "web" / "icons"


def png(path, size, scale):
    """`scale` is the triangle's size relative to the icon: maskable icons keep the mark
    inside the central 80 % safe zone."""
    rows = []
    cx, cy = size * 0.5, size * 0.5
    h = size * scale  # triangle height (pointing right)
    left, right = cx - h * 0.42, cx + h * 0.58
    top, bottom = cy - h * 0.5, cy + h * 0.5
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # 4x4 supersampling for smooth edges.
            hits = 0
            for sy in range(4):
                for sx in range(4):
                    px, py = x + (sx + 0.5) / 4, y + (sy + 0.5) / 4
                    if left <= px <= right and top <= py <= bottom:
                        t = (px - left) / (right - left)
                        half = (1 - t) * (bottom - top) / 2
                        if abs(py - cy) <= half:
                            hits += 1
            a = hits / 16
            row += bytes(round(BG[i] * (1 - a) + RED[i] * a) for i in range(3))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


png(HERE / "icon-192.png", 192, 0.55)
png(HERE / "icon-512.png", 512, 0.55)
png(HERE / "icon-maskable-512.png", 512, 0.40)
png(HERE / "apple-touch-icon.png", 180, 0.55)
