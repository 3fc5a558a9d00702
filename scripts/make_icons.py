#!/usr/bin/env python
"""Draw the app's icons (the installed app's, static/web/icons/) from the favicon's shapes: the
yellow pin with its green eye on the city green. `any` icons have rounded corners; `maskable` ones
fill the square and keep the pin inside the central 80 % that every launcher mask leaves visible.

    .venv/bin/python scripts/make_icons.py
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "web" / "icons"
GREEN, YELLOW = (11, 93, 75), (244, 180, 0)
SCALE = 4  # drawn larger, then made smaller: smooth edges


def pin(draw: ImageDraw.ImageDraw, cx: float, top: float, height: float) -> None:
    """The favicon's pin (a circle drawn out to a point below), `height` from its top to its tip."""
    radius = height * 0.345
    cy = top + radius
    tip = top + height
    # The two tangents from the tip to the circle, and the circle's arc over the top between them
    # (angles on the screen: y grows downwards, so pi/2 points at the tip).
    angle = math.acos(radius / (tip - cy))
    points = [(cx, tip)]
    start, end = math.pi / 2 + angle, math.pi * 2.5 - angle
    steps = 96
    for i in range(steps + 1):
        a = start + (end - start) * i / steps
        points.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    draw.polygon(points, fill=YELLOW)
    eye = height * 0.142
    draw.ellipse((cx - eye, cy - eye, cx + eye, cy + eye), fill=GREEN)


def icon(size: int, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=GREEN)
        height = big * 0.56  # inside the safe circle (80 % of the side)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=GREEN)
        height = big * 0.75
    pin(draw, big / 2, (big - height) / 2 - big * 0.01, height)
    return image.resize((size, size), Image.LANCZOS)


def main():
    for size, maskable, name in (
        (192, False, "icon-192.png"),
        (512, False, "icon-512.png"),
        (192, True, "icon-maskable-192.png"),
        (512, True, "icon-maskable-512.png"),
        (180, True, "apple-touch-icon.png"),  # iOS masks it itself
    ):
        path = OUT / name
        icon(size, maskable).save(path, optimize=True)
        print(f"{path.relative_to(OUT.parent.parent.parent)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
