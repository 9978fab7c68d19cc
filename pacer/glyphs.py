"""Pixel fonts for the 128x64 screen: blocky 30 px digits and two bitmap fonts.

Kept apart from `screen.py` so the layout reads as layout. Every glyph is
drawn from fixed bit patterns (our own seven-segment blocks, luma.core's CP437
and TINY fonts), never by FreeType, so a frame is identical on every Pillow
version and the golden images stay valid; glyphs are built once and cached, so
a frame costs a few pastes rather than a font rasterisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from luma.core.legacy.font import CP437_FONT, TINY_FONT, proportional
from PIL import Image, ImageFilter

# --- big digits -------------------------------------------------------------

BIG_H = 30  # glyph height, px
_DIGIT_W = 16
_STROKE = 4
_GAP_W = 3  # between big glyphs
_MID = (BIG_H - _STROKE) // 2  # top row of the middle bar

# Seven segments as boxes (x0, y0, x1, y1) inside a 16x30 cell, overlapping at
# the corners so the digits read as solid blocks rather than a sparse LCD.
_SEG = {
    "a": (0, 0, _DIGIT_W - 1, _STROKE - 1),
    "b": (_DIGIT_W - _STROKE, 0, _DIGIT_W - 1, _MID + _STROKE - 1),
    "c": (_DIGIT_W - _STROKE, _MID, _DIGIT_W - 1, BIG_H - 1),
    "d": (0, BIG_H - _STROKE, _DIGIT_W - 1, BIG_H - 1),
    "e": (0, _MID, _STROKE - 1, BIG_H - 1),
    "f": (0, 0, _STROKE - 1, _MID + _STROKE - 1),
    "g": (0, _MID, _DIGIT_W - 1, _MID + _STROKE - 1),
}
_DIGIT_SEGS = {
    "0": "abcdef", "2": "abged", "3": "abgcd", "4": "fgbc",
    "5": "afgcd", "6": "afgedc", "7": "abc", "8": "abcdefg", "9": "abcdfg",
}
_C = _DIGIT_W // 2 - _STROKE // 2  # left column of a centred vertical bar
_SYMBOLS = {  # glyph -> (width, boxes)
    "+": (_DIGIT_W, [_SEG["g"], (_C, _MID - 6, _C + _STROKE - 1, _MID + _STROKE + 5)]),
    "-": (_DIGIT_W, [_SEG["g"]]),
    ".": (_STROKE, [(0, BIG_H - _STROKE, _STROKE - 1, BIG_H - 1)]),
    ":": (_STROKE, [(0, 7, _STROKE - 1, 7 + _STROKE - 1), (0, 19, _STROKE - 1, 19 + _STROKE - 1)]),
    " ": (_DIGIT_W, []),
}


@lru_cache(maxsize=None)
def _big_glyph(ch: str, hollow: bool) -> Image.Image:
    if ch == "1":  # a centred stem with a flag: a bare right-hand bar reads as a gap
        width, boxes = _DIGIT_W, [(7, 0, 7 + _STROKE - 1, BIG_H - 1), (3, 0, 6, _STROKE - 1)]
    elif ch in _DIGIT_SEGS:
        width, boxes = _DIGIT_W, [_SEG[s] for s in _DIGIT_SEGS[ch]]
    elif ch in _SYMBOLS:
        width, boxes = _SYMBOLS[ch]
    else:
        raise ValueError(f"no big glyph for {ch!r}")
    img = Image.new("L", (width, BIG_H), 0)
    for box in boxes:
        img.paste(255, box[:2] + (box[2] + 1, box[3] + 1))
    if hollow:  # keep a 1 px outline: the shape stays legible, but plainly not live
        padded = Image.new("L", (width + 2, BIG_H + 2), 0)  # so edges erode too
        padded.paste(img, (1, 1))
        inner = padded.filter(ImageFilter.MinFilter(3)).crop((1, 1, width + 1, BIG_H + 1))
        img.paste(0, mask=inner)
    return img.convert("1")


def big_width(text: str) -> int:
    """Width in px of `text` in the big digits."""
    return big_mask(text).width if text else 0


@lru_cache(maxsize=512)
def big_mask(text: str, hollow: bool = False) -> Image.Image:
    """`text` (digits, + - . : and space) in the big digits, as one cached mask."""
    glyphs = [_big_glyph(ch, hollow) for ch in text]
    width = sum(g.width for g in glyphs) + _GAP_W * max(0, len(glyphs) - 1)
    mask = Image.new("1", (max(1, width), BIG_H), 0)
    x = 0
    for g in glyphs:
        mask.paste(g, (x, 0))
        x += g.width + _GAP_W
    return mask


def draw_big(image: Image.Image, xy: tuple[int, int], text: str, fill: int = 1, hollow: bool = False) -> int:
    """Paste `text` in the big digits with its top-left at `xy`; returns its width."""
    return paste_mask(image, xy, big_mask(text, hollow), fill)


def paste_mask(image: Image.Image, xy: tuple[int, int], mask: Image.Image, fill: int = 1) -> int:
    """Set the pixels of `mask` to `fill` with its top-left at `xy`; returns its width."""
    x, y = xy
    image.paste(fill, (x, y, x + mask.width, y + mask.height), mask)
    return mask.width


# --- small fonts --------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # identity hash: a font is a singleton
class BitmapFont:
    """A column-bitmap font (bit 0 = top row) from luma.core.legacy.font.

    `digit_w` pads every digit to one width, so numbers that change each second
    (elapsed, pace) do not make the text around them jitter.
    """

    name: str
    columns: object  # indexable by CP437 code -> list of column bytes
    dy: int  # rows to shift down so every font shares CP437's baseline (row 6)
    digit_w: int
    overrides: dict[str, list[int]] = field(default_factory=dict)


# CP437 (8 px, bold) for values; TINY (5 px) for labels and units.
MEDIUM = BitmapFont("cp437", proportional(CP437_FONT), dy=0, digit_w=8)
# TINY's 3 px "m" reads as "н", so units (km, mi, mph) get a 5 px one.
SMALL = BitmapFont("tiny", proportional(TINY_FONT), dy=1, digit_w=4, overrides={
    "m": [0x3C, 0x04, 0x38, 0x04, 0x38, 0], "M": [0x3E, 0x04, 0x08, 0x04, 0x3E, 0],
    "N": [0x3E, 0x04, 0x08, 0x3E, 0]})


@lru_cache(maxsize=None)
def _char_cols(font: BitmapFont, ch: str) -> tuple[int, ...]:
    if ch in font.overrides:
        return tuple(font.overrides[ch])
    code = ch.encode("cp437", errors="replace")[0]  # a plan name may hold "é"; "—" becomes "?"
    try:
        cols = list(font.columns[code])  # type: ignore[index]
    except IndexError:  # beyond the font's table
        cols = list(font.columns[ord("?")])  # type: ignore[index]
    if ch.isdigit() and len(cols) < font.digit_w:
        pad = font.digit_w - len(cols)
        cols = [0] * (pad - pad // 2) + cols + [0] * (pad // 2)
    return tuple(cols)


@lru_cache(maxsize=512)
def text_mask(text: str, font: BitmapFont = MEDIUM) -> Image.Image:
    """`text` as a mode-"1" mask, 8 px tall (cached, as most strings repeat: do not modify it)."""
    cols = [c for ch in text for c in _char_cols(font, ch)]
    if cols and cols[-1] == 0:
        cols.pop()  # no trailing spacing column: right-aligned text ends on ink
    width = max(1, len(cols))
    rows = bytearray(width * 8)
    for x, byte in enumerate(cols):
        for y in range(8):
            if byte >> y & 1:
                rows[y * width + x] = 255
    return Image.frombytes("L", (width, 8), bytes(rows)).convert("1")


def text_width(text: str, font: BitmapFont = MEDIUM) -> int:
    return text_mask(text, font).width if text else 0


Run = tuple[str, BitmapFont]  # a line mixes bold values and tiny units
RUN_GAP_W = 1


@lru_cache(maxsize=1024)
def line_mask(runs: tuple[Run, ...]) -> Image.Image:
    """Runs side by side in one cached mask, 8 px tall; tiny runs sit on the
    bold runs' baseline. One paste per line keeps a frame cheap."""
    masks = [(text_mask(t, f), f.dy) for t, f in runs if t]
    width = sum(m.width for m, _ in masks) + RUN_GAP_W * max(0, len(masks) - 1)
    line = Image.new("1", (max(1, width), 8), 0)
    x = 0
    for m, dy in masks:
        line.paste(m, (x, dy))
        x += m.width + RUN_GAP_W
    return line


def draw_text(image: Image.Image, xy: tuple[int, int], text: str, font: BitmapFont = MEDIUM,
              fill: int = 1) -> int:
    """Paste `text` with its top-left at `xy`; returns the x just after it."""
    if not text:
        return xy[0]
    return xy[0] + paste_mask(image, xy, text_mask(text, font), fill)
