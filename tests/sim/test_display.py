"""Display sinks of the simulator, built from their spec strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from pacer.errors import UsageError
from sim.display import DummyDisplay, GifDisplay, NoDisplay, PngDisplay, TerminalDisplay, make_display


def frame(n: int) -> Image.Image:
    """A distinct 128x64 1-bit frame: a bar n pixels wide."""
    image = Image.new("1", (128, 64), 0)
    ImageDraw.Draw(image).rectangle((0, 0, n, 7), fill=1)
    return image


def same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("spec, kind", [("none", NoDisplay), ("dummy", DummyDisplay),
                                        ("terminal", TerminalDisplay)])
def test_spec_names_its_sink(spec: str, kind: type) -> None:
    assert isinstance(make_display(spec), kind)


def test_png_and_gif_specs_take_a_path(tmp_path: Path) -> None:
    assert isinstance(make_display(f"png:{tmp_path / 'frames'}"), PngDisplay)
    assert isinstance(make_display(f"gif:{tmp_path / 'run.gif'}"), GifDisplay)


def test_unknown_spec_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(UsageError, match=r"unknown display 'oled'.*terminal, none, dummy, png:DIR or gif:FILE"):
        make_display("oled")


def test_png_without_a_folder_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="needs a folder"):
        make_display("png:")


def test_gif_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        make_display(f"gif:{tmp_path / 'nope' / 'run.gif'}")


def test_dummy_keeps_the_last_frame() -> None:
    display = DummyDisplay()
    display.show(frame(3), 0.0)
    display.show(frame(9), 1.0)
    assert display.last_image is not None and same(display.last_image, frame(9))


def test_terminal_draws_nothing_when_stdout_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    display = TerminalDisplay()
    display.show(frame(3), 0.0)
    display.close()
    assert not display.active and capsys.readouterr().out == ""


def test_png_writes_numbered_frames_scaled_4x_and_exact(tmp_path: Path) -> None:
    display = PngDisplay(tmp_path)
    display.show(frame(3), 10.0)
    display.show(frame(9), 10.5)
    display.close()
    big = Image.open(tmp_path / "000002.png")
    assert big.size == (512, 256)
    assert same(Image.open(tmp_path / "raw" / "000002.png"), frame(9))
    assert same(big.resize((128, 64), Image.Resampling.NEAREST), frame(9))
    assert (tmp_path / "index.txt").read_text().splitlines() == ["000001.png 10.000", "000002.png 10.500"]


def test_gif_frames_last_until_the_next_frames_simulated_time(tmp_path: Path) -> None:
    display = GifDisplay(tmp_path / "run.gif", frame_s=1.0)
    display.show(frame(1), 100.0)
    display.show(frame(2), 100.5)
    display.show(frame(3), 102.0)
    display.close()
    gif = Image.open(tmp_path / "run.gif")
    durations = []
    for i in range(gif.n_frames):
        gif.seek(i)
        durations.append(gif.info["duration"])
    assert durations == [500, 1500, 1000]


def test_gif_merges_identical_frames_into_one_longer_frame(tmp_path: Path) -> None:
    display = GifDisplay(tmp_path / "run.gif")
    for i, t_s in enumerate([0.0, 0.1, 0.2, 0.3]):
        display.show(frame(1 if i < 3 else 2), t_s)
    assert display.durations_ms() == [300, 1000]


def test_the_light_is_drawn_beside_the_oled_in_its_colour_and_the_frame_is_untouched() -> None:
    from sim.display import with_light

    shown = with_light(frame(20), (1.0, 0.5, 0.0))
    assert shown.size == (160, 64) and shown.mode == "RGB"
    assert shown.getpixel((144, 32)) == (255, 128, 0)  # the LED's centre, right of the OLED
    assert same(shown.crop((0, 0, 128, 64)).convert("L").point(lambda v: 255 * (v > 127)), frame(20))
    assert with_light(frame(20), (0.0, 0.0, 0.0)).getpixel((144, 32)) == (0, 0, 0)  # off: dark


def test_png_with_a_light_is_640_wide_and_keeps_the_exact_raw_frame(tmp_path: Path) -> None:
    display = PngDisplay(tmp_path)
    display.show(frame(5), 0.0, (0.0, 1.0, 0.0))
    display.close()
    big = Image.open(tmp_path / "000001.png").convert("RGB")
    assert big.size == (640, 256) and big.getpixel((576, 128)) == (0, 255, 0)
    assert same(Image.open(tmp_path / "raw" / "000001.png"), frame(5))


def test_gif_keeps_a_frame_whose_light_changed_and_draws_the_light(tmp_path: Path) -> None:
    display = GifDisplay(tmp_path / "run.gif")
    display.show(frame(1), 0.0, (1.0, 1.0, 1.0))  # a flash ...
    display.show(frame(1), 0.25, (1.0, 0.0, 0.0))  # ... ends on the same picture: still a new frame
    display.show(frame(1), 1.0, (1.0, 0.0, 0.0))  # nothing changed: merged
    assert display.durations_ms() == [250, 1000]
    display.close()
    gif = Image.open(tmp_path / "run.gif")
    assert gif.n_frames == 2 and gif.size == (640, 256)
    gif.seek(1)
    assert gif.convert("RGB").getpixel((576, 128)) == (255, 0, 0)
