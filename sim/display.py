"""Where the simulator's frames go: a terminal, nowhere, a luma dummy, PNG files, a GIF.

All sinks share one small protocol, `show(image, t_s)` + `close()`, and are
built from the command line's spec string by `make_display`, so the CLI names
a sink without knowing its class. `t_s` is the frame's simulated time: the GIF
uses it for frame durations (it plays back at real speed), the PNG index
records it, the others ignore it. Nothing here reads a clock or sleeps.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Protocol

from PIL import Image

from pacer.errors import UsageError

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # luma.emulator imports pygame: no banner

SIZE = (128, 64)
SCALE = 4  # PNG and GIF frames are for people: 512x256, nearest neighbour, pixels stay crisp
SPECS = "terminal, none, dummy, png:DIR or gif:FILE"


class Display(Protocol):
    def show(self, image: Image.Image, t_s: float | None = None) -> None:
        """Show one 128x64 mode-"1" frame, rendered for simulated time `t_s`."""
        ...

    def close(self) -> None:
        """Finish: flush files, restore the terminal. Call once."""
        ...


class NoDisplay:
    """Headless replays: frames are dropped (the caller may skip rendering too)."""

    def show(self, image: Image.Image, t_s: float | None = None) -> None:
        pass

    def close(self) -> None:
        pass


class DummyDisplay:
    """luma.core's `dummy` device: keeps the last frame, as the OLED would show it. For tests."""

    def __init__(self) -> None:
        from luma.core.device import dummy

        self.device = dummy(width=SIZE[0], height=SIZE[1], mode="1")
        self.frames = 0

    @property
    def last_image(self) -> Image.Image | None:
        return self.device.image  # type: ignore[no-any-return]

    def show(self, image: Image.Image, t_s: float | None = None) -> None:
        self.device.display(image)
        self.frames += 1

    def close(self) -> None:
        pass


class TerminalDisplay:
    """luma.emulator's `asciiblock` device: the frame drawn with half-block
    characters in the terminal. When stdout is not a terminal (a pipe, a log
    file, CI) it draws nothing rather than filling the output with escapes;
    `active` says which."""

    def __init__(self) -> None:
        self.active = sys.stdout.isatty()
        self._device = None
        if self.active:
            from luma.emulator.device import asciiblock

            self._device = asciiblock(width=SIZE[0], height=SIZE[1], mode="1", transform="none", scale=1)

    def show(self, image: Image.Image, t_s: float | None = None) -> None:
        if self._device is not None:
            self._device.display(image)

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
    `index.txt` giving each frame's simulated time."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        try:
            (self.directory / "raw").mkdir(parents=True, exist_ok=True)
            self._index = open(self.directory / "index.txt", "w", encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot write frames to {self.directory}: {e.strerror}") from None
        self.frames = 0

    def show(self, image: Image.Image, t_s: float | None = None) -> None:
        self.frames += 1
        name = f"{self.frames:06d}.png"
        image.save(self.directory / "raw" / name)
        image.resize((SIZE[0] * SCALE, SIZE[1] * SCALE), Image.Resampling.NEAREST).save(self.directory / name)
        self._index.write(f"{name} {'' if t_s is None else f'{t_s:.3f}'}\n")

    def close(self) -> None:
        self._index.close()


class GifDisplay:
    """An animated GIF, written on `close`. Each frame lasts until the next
    frame's simulated time, so the GIF plays at real speed; identical frames in a
    row are merged. Frames are kept at 1x (1 KB each) and scaled when written.
    Without times, each frame lasts `frame_s`."""

    def __init__(self, path: str | Path, frame_s: float = 1.0) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise UsageError(f"cannot write {self.path}: folder {self.path.parent} does not exist")
        self.frame_s = frame_s
        self._frames: list[tuple[bytes, float | None]] = []  # (1-bit pixels, t_s)

    def show(self, image: Image.Image, t_s: float | None = None) -> None:
        pixels = image.convert("1").tobytes()
        if self._frames and self._frames[-1][0] == pixels and t_s is not None:
            return  # same picture: the previous frame simply lasts longer
        self._frames.append((pixels, t_s))

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
        size = (SIZE[0] * SCALE, SIZE[1] * SCALE)
        images = [Image.frombytes("1", SIZE, px).resize(size, Image.Resampling.NEAREST).convert("L")
                  for px, _ in self._frames]
        try:
            images[0].save(self.path, save_all=True, append_images=images[1:], loop=0,
                           duration=self.durations_ms(), optimize=False, format="GIF")
        except OSError as e:
            raise UsageError(f"cannot write {self.path}: {e.strerror or e}") from None
        self._frames = []


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
