"""The one error tree of pacer.

Every error a user can cause (a plan file, a track file, the command line) is a
`PacerError`; the CLI prints its message as one line and exits non-zero, so the
message itself must name the file, the key or line, and what was expected.
Each leaf also subclasses the matching builtin so callers may catch either.
"""

from __future__ import annotations


class PacerError(Exception):
    """Root of every error pacer raises on purpose."""


class ConfigError(PacerError, ValueError):
    """A plan or device config file holds a value pacer cannot use."""


class UnitError(PacerError, ValueError):
    """A distance, pace or duration string does not parse."""


class TrackError(PacerError, ValueError):
    """A GPX (or NMEA) track cannot be replayed as given."""


class UsageError(PacerError, ValueError):
    """The command line asks for something that cannot be done."""


class DeviceError(PacerError, OSError):
    """A device (gpsd, display, buzzer, buttons) failed; the loop goes on without it."""
