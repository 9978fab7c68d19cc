"""Where the simulator's frames go: a terminal, nowhere, a luma dummy, PNG files, a GIF.

All sinks share one small protocol, `show(image, t_s, light)` + `close()`, and are
built from the command line's spec string by `make_display`, so the CLI names
a sink without knowing its class. `t_s` is the frame's simulated time: the GIF
uses it for frame durations (it plays back at real speed), the PNG index
records it, the others ignore it. `light` is the runner light's colour
(pacer.light) when the run has one: the terminal, PNG and GIF sinks draw it
beside the OLED, as the runner would see it. Nothing here reads a clock or sleeps.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageDraw

from pacer.errors import UsageError

Colour = tuple[float, float, float]  # pacer.light.Colour: red, green, blue, 0..1

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # luma.emulator imports pygame: no banner

SIZE = (128, 64)
SCALE = 4  # PNG and GIF frames are for people: 512x256, nearest neighbour, pixels stay crisp
SPECS = "terminal, none, dummy, png:DIR or gif:FILE"
LIGHT_PANEL_W = 32  # px at 1x, right of the OLED: the runner light
OLED_INK = (235, 245, 255)  # a white OLED's lit pixels


def with_light(image: Image.Image, light: Colour | None) -> Image.Image:
    """The 128x64 OLED frame in RGB with the runner light drawn beside it: a round LED in
    its colour (a dark ring when off). 160x64; the frame's own pixels are unchanged."""
    out = Image.new("RGB", (SIZE[0] + LIGHT_PANEL_W, SIZE[1]), (0, 0, 0))
    out.paste(Image.new("RGB", SIZE, OLED_INK), (0, 0), image.convert("1").convert("L"))
    draw = ImageDraw.Draw(out)
    draw.line((SIZE[0], 0, SIZE[0], SIZE[1] - 1), fill=(60, 60, 60))
    cx, cy, r = SIZE[0] + LIGHT_PANEL_W // 2, SIZE[1] // 2, 11
    rgb = tuple(round(255 * max(0.0, min(1.0, c))) for c in (light or (0.0, 0.0, 0.0)))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=rgb if any(rgb) else None, outline=(90, 90, 90))
    return out


class Display(Protocol):
    def show(self, image: Image.Image, t_s: float | None = None, light: Colour | None = None) -> None:
        """Show one 128x64 mode-"1" frame, rendered for simulated time `t_s`, with the light's colour."""
        ...

    def close(self) -> None:
        """Finish: flush files, restore the terminal. Call once."""
        ...


class NoDisplay:
    """Headless replays: frames are dropped (the caller may skip rendering too)."""

    def show(self, image: Image.Image, t_s: float | None = None, light: Colour | None = None) -> None:
        pass

    def close(self) -> None:
        pass


class DummyDisplay:
    """luma.core's `dummy` device: keeps the last frame, as the OLED would show it. For tests."""

    def __init__(self) -> None:
        from luma.core.device import dummy

        self.device = dummy(width=SIZE[0], height=SIZE[1], mode="1")
        self.frames = 0
        self.light: Colour | None = None

    @property
    def last_image(self) -> Image.Image | None:
        return self.device.image  # type: ignore[no-any-return]

    def show(self, image: Image.Image, t_s: float | None = None, light: Colour | None = None) -> None:
        self.device.display(image)
        self.frames += 1
        self.light = light

    def close(self) -> None:
        pass


class TerminalDisplay:
    """luma.emulator's `asciiblock` device: the frame drawn with half-block
    characters in the terminal, the runner light beside it. When stdout is not a terminal (a pipe, a log
    file, CI) it draws nothing rather than filling the output with escapes;
    `active` says which."""

    def __init__(self) -> None:
        self.active = sys.stdout.isatty()
        self._device = None
        if self.active:
            from luma.emulator.device import asciiblock

            self._device = asciiblock(width=SIZE[0] + LIGHT_PANEL_W, height=SIZE[1], mode="RGB",
                                      transform="none", scale=1)

    def show(self, image: Image.Image, t_s: float | None = None, light: Colour | None = None) -> None:
        if self._device is not None:
            self._device.display(with_light(image, light))

    def close(self) -> None:
        if self._device is not None:
            sys.stdout.write("\x1b[0m\n")  # leave the last frame on screen, the cursor below it
            sys.stdout.flush()
            # luma registers its cleanup with atexit, and asciiblock's clears the whole
            # screen: it would wipe the run's summary printed after the last frame.
            self._device.cleanup = lambda: None
            self._device = None


class PngDisplay:
    """Numbered PNG files in `directory`: `000001.png` scaled 4x for people,
    `raw/000001.png` the exact 1-bit frame (what golden tests compare), and
    `index.txt` giving each frame's simulated time. With a light, the scaled
    frame has it drawn to the right of the OLED (640x256)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        try:
            (self.directory / "raw").mkdir(parents=True, exist_ok=True)
            self._index = open(self.directory / "index.txt", "w", encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot write frames to {self.directory}: {e.strerror}") from None
        self.frames = 0

    def show(self, image: Image.Image, t_s: float | None = None, light: Colour | None = None) -> None:
        self.frames += 1
        name = f"{self.frames:06d}.png"
        image.save(self.directory / "raw" / name)
        shown = image if light is None else with_light(image, light)
        shown.resize((shown.width * SCALE, shown.height * SCALE), Image.Resampling.NEAREST).save(self.directory / name)
        self._index.write(f"{name} {'' if t_s is None else f'{t_s:.3f}'}\n")

    def close(self) -> None:
        self._index.close()


class GifDisplay:
    """An animated GIF, written on `close`. Each frame lasts until the next
    frame's simulated time, so the GIF plays at real speed; identical frames in a
    row are merged. Frames are kept at 1x (1 KB each) and scaled when written,
    the light (if any) drawn beside. Without times, each frame lasts `frame_s`."""

    def __init__(self, path: str | Path, frame_s: float = 1.0) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise UsageError(f"cannot write {self.path}: folder {self.path.parent} does not exist")
        self.frame_s = frame_s
        self._frames: list[tuple[bytes, float | None]] = []  # (1-bit pixels, t_s)
        self._lights: list[Colour | None] = []  # the light beside each kept frame

    def show(self, image: Image.Image, t_s: float | None = None, light: Colour | None = None) -> None:
        pixels = image.convert("1").tobytes()
        if self._frames and self._frames[-1][0] == pixels and self._lights[-1] == light and t_s is not None:
            return  # same picture: the previous frame simply lasts longer
        self._frames.append((pixels, t_s))
        self._lights.append(light)

    def durations_ms(self) -> list[int]:
        """Each kept frame's duration; the last one lasts `frame_s`."""
        out = []
        for (_, t0), (_, t1) in zip(self._frames, self._frames[1:]):
            gap_s = self.frame_s if t0 is None or t1 is None else t1 - t0
            out.append(max(20, round(gap_s * 1000)))  # viewers treat < 20 ms as 100 ms
        return out + [round(self.frame_s * 1000)] if self._frames else []

    def close(self) -> None:
        if not self._frames:
            return
        lit = any(light is not None for light in self._lights)

        def big(px: bytes, light: Colour | None) -> Image.Image:
            frame = Image.frombytes("1", SIZE, px)
            shown = with_light(frame, light) if lit else frame.convert("L")
            return shown.resize((shown.width * SCALE, shown.height * SCALE), Image.Resampling.NEAREST)

        images = [big(px, light) for (px, _), light in zip(self._frames, self._lights)]
        try:
            images[0].save(self.path, save_all=True, append_images=images[1:], loop=0,
                           duration=self.durations_ms(), optimize=False, format="GIF")
        except OSError as e:
            raise UsageError(f"cannot write {self.path}: {e.strerror or e}") from None
        self._frames, self._lights = [], []


def make_display(spec: str) -> Display:
    """'terminal', 'none', 'dummy', 'png:DIR' or 'gif:FILE' -> a display sink."""
    kind, _, arg = spec.partition(":")
    kind = kind.strip().lower()
    if kind in ("terminal", "none", "dummy") and not arg:
        return {"terminal": TerminalDisplay, "none": NoDisplay, "dummy": DummyDisplay}[kind]()
    if kind in ("png", "gif"):
        if not arg.strip():
            raise UsageError(f"display {spec!r} needs a {'folder' if kind == 'png' else 'file'} name after '{kind}:'")
        return PngDisplay(arg) if kind == "png" else GifDisplay(arg)
    raise UsageError(f"unknown display {spec!r}: expected {SPECS}")
