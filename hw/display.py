"""The bike's OLED: a luma.oled SSD1306/SH1106 over I2C that never stops the loop.

A loose connector on a bike is normal, not exceptional: if the panel is
missing at start or drops off the bus mid-run, the run (timing, buzzer, log)
must go on. So every fault is logged once, the display goes quiet, and it
tries to open again at most every `RETRY_S` seconds of the caller's time, so
replugging the panel brings the screen back without a restart. Nothing here
touches the bus at import time; luma is imported when the device is built.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from PIL import Image

log = logging.getLogger("pacer.hw.display")

RETRY_S = 10.0  # a reopen costs a bus scan's worth of time: not on every frame
DRIVERS = ("ssd1306", "sh1106")


def _faults() -> tuple[type[BaseException], ...]:
    """What a missing or flaky panel raises: OSError from smbus2 (EIO, ENXIO,
    EREMOTEIO), luma's own errors (DeviceNotFoundError when /dev/i2c-N is
    absent, DevicePermissionError), and ImportError if smbus2 is not installed."""
    from luma.core.error import Error as LumaError

    return (OSError, LumaError, ImportError)


class OledDisplay:
    """`show(image, t_s)` + `close()`, like the simulator's sinks, on a real OLED.

    `device_factory` (no arguments, returns a luma device) replaces the I2C
    build, so tests can pass luma's own `ssd1306` on a mock serial interface.
    """

    def __init__(self, driver: str = "ssd1306", port: int = 1, address: int = 0x3C,
                 rotate: int = 0, contrast: int = 255,
                 device_factory: Callable[[], Any] | None = None) -> None:
        if driver not in DRIVERS:
            raise ValueError(f"display driver {driver!r}: expected one of {', '.join(DRIVERS)}")
        self.driver, self.port, self.address = driver, port, address
        self.rotate, self.contrast = rotate, contrast
        self._factory = device_factory or self._build_i2c
        self._device: Any = None
        self._next_try_s: float | None = None  # None: failed before any time was known
        self.last_error = ""
        self.frames = 0  # frames that reached the device
        self._open(first=True)

    @property
    def healthy(self) -> bool:
        """True while a device is open and its last write worked."""
        return self._device is not None

    def _build_i2c(self) -> Any:
        from luma.core.interface.serial import i2c
        from luma.oled import device as oled

        serial = i2c(port=self.port, address=self.address)
        return getattr(oled, self.driver)(serial_interface=serial, rotate=self.rotate)

    def _open(self, first: bool = False) -> bool:
        """Build the device; on failure log (only if this is a new fault) and stay quiet."""
        try:
            self._device = self._factory()
            self._device.contrast(self.contrast)
        except _faults() as e:
            self._fail(e, new_fault=first)  # also releases a device built before the fault
            return False
        if not first:
            log.warning("display %s back on I2C bus %d at 0x%02X", self.driver, self.port, self.address)
        self.last_error = ""
        return True

    def _fail(self, error: BaseException, new_fault: bool) -> None:
        text = f"{type(error).__name__}: {error}"
        if new_fault:
            log.error("display %s on I2C bus %d at 0x%02X failed, going on without it: %s",
                      self.driver, self.port, self.address, text)
        else:
            log.debug("display still failing: %s", text)
        self.last_error = text
        self._drop()

    def _drop(self) -> None:
        """Forget the device and release its bus handle, so retries don't leak file descriptors.

        Not `device.cleanup()`: that writes to the panel (hide, clear), which is what just failed.
        """
        device, self._device = self._device, None
        serial = getattr(device, "_serial_interface", None)
        if serial is not None:
            try:
                serial.cleanup()
            except _faults() as e:
                log.debug("display bus cleanup failed: %s", e)

    def show(self, image: Image.Image, t_s: float | None = None) -> None:
        """Send one frame; on a fault, log once and drop frames until a reopen works.

        `t_s` is the caller's time (GPS seconds) and paces the retries; without
        it the monotonic clock does.
        """
        now_s = time.monotonic() if t_s is None else t_s
        if self._device is None:
            if self._next_try_s is None:  # failed in the constructor: wait from now
                self._next_try_s = now_s + RETRY_S
            if now_s < self._next_try_s:
                return
            self._next_try_s = now_s + RETRY_S
            if not self._open():
                return
        try:
            self._device.display(image)
        except _faults() as e:
            self._fail(e, new_fault=True)
            self._next_try_s = now_s + RETRY_S
            return
        self.frames += 1

    def close(self) -> None:
        """Blank the panel and release the bus; never raises (it runs on the way out)."""
        device, self._device = self._device, None
        if device is None:
            return
        try:
            device.cleanup()
        except _faults() as e:
            log.debug("display cleanup failed: %s", e)
