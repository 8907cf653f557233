#!/usr/bin/env python3
"""Converts Xvfb's screen file (XWD, written with `Xvfb -fbdir DIR`) to PNG: the whole X screen,
browser window frame, toolbar and infobars included (a page screenshot over CDP shows only the
page). 24/32-bit TrueColor ZPixmap only, which is what Xvfb -screen WxHx24 writes.

    xwd2png.py DIR/Xvfb_screen0 out.png
"""
import struct
import sys
import zlib


def main(src, dst):
    d = open(src, "rb").read()
    fields = struct.unpack(">25I", d[:100])
    header_size, version, fmt, depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line, ncolors = fields[7], fields[11], fields[12], fields[19]
    if version != 7 or fmt != 2 or bits_per_pixel != 32:
        sys.exit(f"xwd2png: unsupported XWD (version {version}, format {fmt}, {bits_per_pixel} bpp)")
    off = header_size + ncolors * 12
    rows = []
    for y in range(height):
        line = d[off + y * bytes_per_line: off + y * bytes_per_line + width * 4]
        if byte_order == 0:  # LSBFirst: B G R x
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[2::4], line[1::4], line[0::4]
        else:  # MSBFirst: x R G B
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[1::4], line[2::4], line[3::4]
        rows.append(b"\x00" + bytes(rgb))

    def chunk(t, body):
        return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b"")
    open(dst, "wb").write(png)


if __name__ == "__main__":
    main(*sys.argv[1:3])
