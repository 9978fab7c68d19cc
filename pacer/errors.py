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


def one_line(error: BaseException) -> str:
    """The error's message as the CLI prints it: one line, whatever a parser (lxml)
    put in it, so a user never sees a message break across lines."""
    return " ".join(str(error).split())


def file_problem(path: object, what: str, exc: OSError | UnicodeDecodeError, expected: str = "") -> str:
    """One sentence for why a file the user named cannot be read."""
    expected = expected or f"a {what} file"
    if isinstance(exc, FileNotFoundError):
        return f"{path}: no such {what} file"
    if isinstance(exc, IsADirectoryError):
        return f"{path}: is a folder; expected {expected}"
    if isinstance(exc, UnicodeDecodeError):
        return f"{path}: not a text file; expected {expected}"
    return f"{path}: cannot read the {what} file ({exc.strerror or exc})"


def read_user_file(path: str, what: str, error: type[PacerError], max_bytes: int | None = None) -> str:
    """The text of a file the user named, or `error` with one sentence saying why not.

    The one place plan and track files are read, so a missing file, a folder
    or an unreadable one read the same whatever the kind. `max_bytes` keeps a
    file far bigger than any of its kind (a wrong path, /dev/zero) out of memory.
    """
    try:
        with open(path, "rb") as f:
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
        if max_bytes is not None and len(data) > max_bytes:
            raise error(f"{path}: larger than {max_bytes:,} bytes; expected a {what} file")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise error(file_problem(path, what, e)) from None
