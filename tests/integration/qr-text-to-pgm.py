#!/usr/bin/env python3
"""Reads a QR code drawn in block characters (portal-admin staff-totp) on
stdin and writes it as a PGM image for zbarimg: each character is two
module rows (upper and lower half). --dark: the characters draw the light
modules (the default, for dark terminals); --light: they draw the dark ones.
Lines that are not block drawing are skipped."""
import sys

UPPER, LOWER, FULL = "\u2580", "\u2584", "\u2588"
draws_light = "--light" not in sys.argv[1:]
scale = 8
rows = []
for line in sys.stdin.read().splitlines():
    if not line or any(ch not in (" ", UPPER, LOWER, FULL) for ch in line):
        continue
    if not any(ch != " " for ch in line):
        # an all-blank line is drawing only if it sits inside the block
        if not rows:
            continue
    top = [ch in (UPPER, FULL) for ch in line]
    bottom = [ch in (LOWER, FULL) for ch in line]
    rows.append(top)
    rows.append(bottom)
if not rows:
    sys.exit("no QR drawing on stdin")
width = max(len(r) for r in rows)
# A drawn half is a light module on a dark terminal: white (255).
pix = []
for r in rows:
    r = r + [False] * (width - len(r))
    line = []
    for drawn in r:
        light = drawn if draws_light else not drawn
        line += [255 if light else 0] * scale
    for _ in range(scale):
        pix.append(line)
# A white margin in any case, as paper would give.
margin = 4 * scale
w = width * scale + 2 * margin
out = sys.stdout.buffer
out.write(b"P5\n%d %d\n255\n" % (w, len(pix) + 2 * margin))
blank = bytes([255] * w)
for _ in range(margin):
    out.write(blank)
for line in pix:
    out.write(bytes([255] * margin + line + [255] * margin))
for _ in range(margin):
    out.write(blank)
