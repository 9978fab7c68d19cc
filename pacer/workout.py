"""A workout plan: `[[workout]]` blocks of reps, rests, floats and free running.

Kept apart from `pacer.plan` (one continuous schedule) because a workout is a
list of phases, each with its own start and its own target. This module holds
the model, the expansion of blocks into the steps the device runs, and the
parsing of `[[workout]]` tables: every wrong key is one sentence naming the
file, the line, the key and what was expected (`config.parse_config` calls in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pacer.errors import ConfigError, UnitError
from pacer.plan import Plan, split_marks_m
from pacer.units import format_duration, parse_distance_m, parse_duration_s, parse_pace_s_per_m

StepKind = Literal["free", "rep", "rest"]
START_ACCEL_MPS2 = 1.5
"""A runner's first strides from standing: 400 m pace is reached in about 4 s, which
costs about 2 s against even pace. A rep's schedule from a standing start allows for
it, so the gap shown reads 0 for a runner who gets going and then holds the pace that
makes the rep's time, instead of about 2 s behind through half the rep."""
MAX_REPEAT = 100

BLOCK_KEYS = (
    "free", "distance", "time", "goal", "pace", "repeat", "rest", "rest_pace", "rest_after_last",
    "progression", "split_every",
)


@dataclass(frozen=True, slots=True)
class Rest:
    """What follows a rep: counted (a duration, or `equal` to the rep just run) or covered (a distance)."""

    duration_s: float | None = None
    distance_m: float | None = None
    equal: bool = False
    pace_s_per_m: float | None = None  # a paced distance rest: a float

    @property
    def counted(self) -> bool:
        """Counted down to GO (a time or `equal` rest), not ended by distance."""
        return self.distance_m is None


@dataclass(frozen=True, slots=True)
class Block:
    """One `[[workout]]` table, checked. Exactly one of free / distance / time."""

    number: int  # 1-based, in file order
    kind: Literal["free", "distance", "time"]
    repeat: int = 1
    distance_m: float | None = None  # a distance rep, or a free block ending after this far
    duration_s: float | None = None  # a time rep, or a free block ending after this long
    free_until: Literal["lap", "stop", "distance", "time"] | None = None
    goal_s: float | None = None  # a distance rep's time (the first rep's, with a progression)
    pace_s_per_m: float | None = None
    rest: Rest | None = None
    rest_after_last: bool = False
    progression_s: float = 0.0  # each rep's goal this much slower (+) or faster (-) than the last
    split_every_m: float | None = None

    def rep_target_s(self, k: int) -> float | None:
        """Target time of rep k (0-based) of a distance block; None when unpaced."""
        if self.kind != "distance" or self.distance_m is None:
            return None
        if self.goal_s is not None:
            base = self.goal_s
        elif self.pace_s_per_m is not None:
            base = self.pace_s_per_m * self.distance_m
        else:
            return None
        return base + k * self.progression_s

    @property
    def target_m(self) -> float | None:
        """A paced time block's target distance."""
        if self.kind == "time" and self.pace_s_per_m is not None and self.duration_s is not None:
            return self.duration_s / self.pace_s_per_m
        return None


@dataclass(frozen=True, slots=True)
class Step:
    """One phase as the device runs it: a free run, a rep or a rest.

    A rep or rest ends by distance (`distance_m`), by time (`duration_s`), or,
    for an `equal` rest, after as long as the rep before it took. `target_s`
    is a distance rep's goal, `pace_s_per_m` the pace the gap is measured
    against (a paced rep, time block or float); `marks_m` are split marks
    within the step, its end last when it ends by distance.
    """

    kind: StepKind
    block: int
    index: int  # 1-based rep number within the block (a rest: the rep it follows)
    count: int  # reps in the block
    distance_m: float | None = None
    duration_s: float | None = None
    target_s: float | None = None
    pace_s_per_m: float | None = None
    equal: bool = False
    free_until: str | None = None
    marks_m: tuple[float, ...] = ()

    @property
    def paced(self) -> bool:
        return self.pace_s_per_m is not None

    @property
    def counted(self) -> bool:
        """A rest that counts down to GO."""
        return self.kind == "rest" and self.distance_m is None

    @property
    def target_m(self) -> float | None:
        if self.duration_s is not None and self.pace_s_per_m is not None:
            return self.duration_s / self.pace_s_per_m
        return None

    def target_speed_mps(self, dist_m: float, standing: bool = False) -> float | None:
        """Planned speed at `dist_m` into the step (None: unpaced); see `target_elapsed_s`."""
        if self.pace_s_per_m is None:
            return None
        if not standing or self.kind != "rep" or self.distance_m is None:
            return 1.0 / self.pace_s_per_m
        return standing_start_speed_mps(dist_m, self.distance_m, self.distance_m * self.pace_s_per_m)

    def target_elapsed_s(self, dist_m: float, standing: bool = False) -> float | None:
        """Planned time at `dist_m` into the step (None: unpaced). `standing`: a distance
        rep from a standing start, whose schedule allows for getting going (START_ACCEL_MPS2)."""
        if self.pace_s_per_m is None:
            return None
        if not standing or self.kind != "rep" or self.distance_m is None:
            return dist_m * self.pace_s_per_m
        return standing_start_elapsed_s(dist_m, self.distance_m, self.distance_m * self.pace_s_per_m)


@dataclass(frozen=True, slots=True)
class Workout:
    name: str
    blocks: tuple[Block, ...]

    def steps(self) -> tuple[Step, ...]:
        return expand(self.blocks)

    def totals(self) -> tuple[float, float, bool]:
        """(planned distance m, planned time s, complete?): complete is False when a
        free block or an unpaced step leaves a distance or a time unknown."""
        dist = time = 0.0
        complete = True
        for s in self.steps():
            if s.kind == "free" and s.free_until in ("lap", "stop"):
                complete = False
                continue
            if s.distance_m is not None:
                dist += s.distance_m
                if s.pace_s_per_m is not None:
                    time += s.distance_m * s.pace_s_per_m
                else:
                    complete = False
            elif s.duration_s is not None:
                time += s.duration_s
                if s.pace_s_per_m is not None:
                    dist += s.duration_s / s.pace_s_per_m
                else:
                    complete = False
            else:  # an equal rest: as long as the rep before it is planned to take
                complete = False
        return dist, time, complete

    def as_plan(self) -> Plan:
        """A stand-in continuous plan (total distance at the average planned pace), for
        the parts of pacer that expect one (log header, progress bar)."""
        dist, time, _ = self.totals()
        dist = max(dist, 1.0)
        time = max(time, dist * 0.3)
        return Plan(self.name, dist, (0.0, dist), (0.0, time), (dist,))


def standing_start_elapsed_s(dist_m: float, distance_m: float, target_s: float,
                             accel_mps2: float = START_ACCEL_MPS2) -> float:
    """Planned time at `dist_m` of a rep of `distance_m` in `target_s` from standing:
    up to speed v at `accel_mps2`, then v held, so that `distance_m` is reached at `target_s`."""
    a = accel_mps2
    disc = target_s * target_s - 2.0 * distance_m / a
    if disc <= 0:  # no speed makes it with this start: even pace
        return dist_m * target_s / distance_m
    v = a * (target_s - disc ** 0.5)
    ramp_m = v * v / (2 * a)
    if dist_m < ramp_m:  # GNSS noise can put the bike a little behind its rep's start
        return (2 * max(dist_m, 0.0) / a) ** 0.5
    return dist_m / v + v / (2 * a)


def standing_start_speed_mps(dist_m: float, distance_m: float, target_s: float,
                             accel_mps2: float = START_ACCEL_MPS2) -> float:
    """The planned speed at `dist_m` of that schedule (see `standing_start_elapsed_s`)."""
    a = accel_mps2
    disc = target_s * target_s - 2.0 * distance_m / a
    if disc <= 0:
        return distance_m / target_s
    v = a * (target_s - disc ** 0.5)
    return min(v, (2 * a * max(dist_m, 0.0)) ** 0.5) if dist_m < v * v / (2 * a) else v


def expand(blocks: tuple[Block, ...]) -> tuple[Step, ...]:
    """Blocks to steps: each rep, and a rest after each rep but the last (unless asked)."""
    out: list[Step] = []
    for b in blocks:
        if b.kind == "free":
            out.append(Step("free", b.number, 1, 1, distance_m=b.distance_m if b.free_until == "distance" else None,
                            duration_s=b.duration_s if b.free_until == "time" else None, free_until=b.free_until,
                            marks_m=(b.distance_m,) if b.free_until == "distance" and b.distance_m else ()))
            continue
        for k in range(b.repeat):
            if b.kind == "distance":
                assert b.distance_m is not None
                target = b.rep_target_s(k)
                pace = None if target is None else target / b.distance_m
                marks = split_marks_m(b.distance_m, b.split_every_m) if b.split_every_m else (b.distance_m,)
                out.append(Step("rep", b.number, k + 1, b.repeat, distance_m=b.distance_m, target_s=target,
                                pace_s_per_m=pace, marks_m=marks))
            else:
                marks = ()
                if b.split_every_m and b.target_m:
                    m = b.split_every_m
                    marks = tuple(m * i for i in range(1, int(b.target_m // m) + 1))
                out.append(Step("rep", b.number, k + 1, b.repeat, duration_s=b.duration_s,
                                pace_s_per_m=b.pace_s_per_m, marks_m=marks))
            last = k == b.repeat - 1
            if b.rest is not None and (not last or b.rest_after_last):
                r = b.rest
                out.append(Step("rest", b.number, k + 1, b.repeat, distance_m=r.distance_m, duration_s=r.duration_s,
                                pace_s_per_m=r.pace_s_per_m, equal=r.equal,
                                marks_m=(r.distance_m,) if r.distance_m else ()))
    return tuple(out)


# -- parsing -------------------------------------------------------------------


def _header_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if re.match(r"^\s*\[\[\s*workout\s*\]\]", line)]


def _key_line(text: str, block: int, key: str | None) -> int | None:
    """The line of `key` in the block-th `[[workout]]` table (or of its header)."""
    headers = _header_lines(text)
    if block > len(headers):
        return None
    start = headers[block - 1]
    if key is None:
        return start
    lines = text.splitlines()
    for n in range(start + 1, len(lines) + 1):
        stripped = lines[n - 1].strip()
        if stripped.startswith("["):
            break
        if re.match(rf"^\"?{re.escape(key)}\"?\s*=", stripped):
            return n
    return start


class _Where:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text

    def error(self, block: int, key: str | None, what: str) -> ConfigError:
        line = _key_line(self.text, block, key)
        at = f", line {line}" if line else ""
        name = f"workout[{block}]" + (f".{key}" if key else "")
        return ConfigError(f"{self.path}{at}: {name}: {what}")


def _text(v: Any, example: str) -> str:
    if not isinstance(v, str):
        raise UnitError(f"expected a string such as {example}, got {v!r}")
    return v


def _duration(v: Any, example: str = '"2:00"') -> float:
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise UnitError(f"expected a time such as {example}, got {v!r}")
    return parse_duration_s(v)


def _signed_seconds(v: Any) -> float:
    """'-1 s', '+0.5 s', '-1', -1: seconds added to each rep's goal."""
    if isinstance(v, bool):
        raise UnitError(f"expected seconds per rep such as \"-1 s\" or \"+0.5 s\", got {v!r}")
    if isinstance(v, (int, float)):
        return float(v)
    m = re.match(r"^\s*([+-]?)\s*([0-9]*\.?[0-9]+)\s*(s|sec)?\s*$", v) if isinstance(v, str) else None
    if not m:
        raise UnitError(f"expected seconds per rep such as \"-1 s\" or \"+0.5 s\", got {v!r}")
    return (-1.0 if m.group(1) == "-" else 1.0) * float(m.group(2))


def parse_workout(items: Any, plan_section: dict[str, Any], text: str, path: str) -> Workout:
    """`[[workout]]` tables (already TOML-parsed) to a Workout, or ConfigError."""
    where = _Where(path, text)
    if not isinstance(items, list) or not items or not all(isinstance(x, dict) for x in items):
        raise ConfigError(f"{path}: workout: expected [[workout]] blocks (an array of tables), got {type(items).__name__}")
    blocks = tuple(_block(i, raw, where) for i, raw in enumerate(items, start=1))
    name = plan_section.get("name") or _default_name(blocks)
    return Workout(str(name), blocks)


def _default_name(blocks: tuple[Block, ...]) -> str:
    parts = []
    for b in blocks:
        if b.kind == "distance":
            parts.append(f"{b.repeat} x {b.distance_m:g} m")
        elif b.kind == "time":
            assert b.duration_s is not None
            parts.append(f"{b.repeat} x {format_duration(b.duration_s)}" if b.repeat > 1 else format_duration(b.duration_s))
    return ", ".join(parts) or "workout"


def _block(number: int, raw: dict[str, Any], where: _Where) -> Block:
    for key in raw:
        if key not in BLOCK_KEYS:
            raise where.error(number, key, f"unknown key; expected one of {', '.join(BLOCK_KEYS)}")
    kinds = [k for k in ("free", "distance", "time") if k in raw]
    if len(kinds) != 1:
        key = kinds[1] if len(kinds) > 1 else None
        got = f"got {', '.join(kinds)}" if kinds else "got none"
        raise where.error(number, key, f"expected exactly one of `free`, `distance` or `time` ({got})")
    kind = kinds[0]

    def parse(key: str, fn: Any, *args: Any) -> Any:
        if key not in raw:
            return None
        try:
            return fn(raw[key], *args)
        except UnitError as e:
            raise where.error(number, key, str(e)) from None

    def refuse(key: str, why: str) -> None:
        if key in raw:
            raise where.error(number, key, why)

    if kind == "free":
        for key in ("goal", "pace", "repeat", "rest", "rest_pace", "rest_after_last", "progression", "split_every"):
            refuse(key, "not for a free block (it is not paced); expected only `free`")
        return _free_block(number, raw["free"], where)

    repeat = parse("repeat", _repeat)
    repeat = 1 if repeat is None else repeat
    goal = parse("goal", _duration, '"1:10"')
    pace = parse("pace", lambda v: parse_pace_s_per_m(_text(v, '"4:40/mi"')))
    split_every = parse("split_every", lambda v: parse_distance_m(_text(v, '"200 m"')))
    progression = parse("progression", _signed_seconds) or 0.0
    rest = _rest(number, raw, where)
    rest_after_last = parse("rest_after_last", _bool) or False
    if rest_after_last and rest is None:
        raise where.error(number, "rest_after_last", "needs a `rest` in the same block")
    distance_m = duration_s = None
    if kind == "distance":
        distance_m = parse("distance", lambda v: parse_distance_m(_text(v, '"400 m"')))
        if goal is not None and pace is not None:
            raise where.error(number, "pace", "give either `goal` (the rep's time) or `pace`, not both")
        if progression and goal is None and pace is None:
            raise where.error(number, "progression", "needs a `goal` or `pace` to progress from")
        if goal is not None and progression and goal + (repeat - 1) * progression <= 0:
            raise where.error(number, "progression", f"makes rep {repeat} take no time; expected a smaller step")
        if split_every is not None and (goal is None and pace is None):
            raise where.error(number, "split_every", "needs a `goal` or `pace`: splits are for paced reps")
        if split_every is not None and distance_m is not None and split_every >= distance_m:
            raise where.error(number, "split_every", f"expected less than the rep's distance ({distance_m:g} m)")
    else:
        duration_s = parse("time", _duration, '"30:00"')
        refuse("goal", "not for a time block (its time is `time`); expected `pace`, or neither for unpaced reps")
        refuse("progression", "only for distance reps with a `goal` or `pace`")
        if split_every is not None and pace is None:
            raise where.error(number, "split_every", "needs a `pace`: splits are for paced time blocks")
    return Block(number, kind, repeat, distance_m, duration_s, None, goal, pace, rest, rest_after_last,
                 progression, split_every)


def _free_block(number: int, v: Any, where: _Where) -> Block:
    expected = 'expected "until lap", "until stop", a distance ("2 km") or a time ("10:00")'
    if not isinstance(v, str):
        raise where.error(number, "free", f"{expected}, got {v!r}")
    word = v.strip().lower()
    if word in ("until lap", "until stop"):
        return Block(number, "free", free_until=word.split()[1])  # type: ignore[arg-type]
    try:
        return Block(number, "free", distance_m=parse_distance_m(v), free_until="distance")
    except UnitError:
        pass
    try:
        return Block(number, "free", duration_s=parse_duration_s(v), free_until="time")
    except UnitError:
        raise where.error(number, "free", f"{expected}, got {v!r}") from None


def _repeat(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_REPEAT:
        raise UnitError(f"expected a whole number of reps from 1 to {MAX_REPEAT}, got {v!r}")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise UnitError(f"expected true or false, got {v!r}")
    return v


def _rest(number: int, raw: dict[str, Any], where: _Where) -> Rest | None:
    if "rest" not in raw:
        if "rest_pace" in raw:
            raise where.error(number, "rest_pace", "needs a distance `rest` (such as rest = \"200 m\") to pace")
        return None
    v = raw["rest"]
    expected = 'expected a time ("2:00"), a distance ("200 m") or "equal"'
    rest: Rest
    if v == "equal":
        rest = Rest(equal=True)
    elif isinstance(v, str) and re.search(r"[a-zA-Z]", v):
        try:
            rest = Rest(distance_m=parse_distance_m(v))
        except UnitError:
            raise where.error(number, "rest", f"{expected}, got {v!r}") from None
    else:
        try:
            rest = Rest(duration_s=_duration(v))
        except UnitError as e:
            raise where.error(number, "rest", f"{expected} ({e})") from None
    if "rest_pace" in raw:
        if rest.distance_m is None:
            raise where.error(number, "rest_pace", "only for a distance rest (a float); expected rest = \"200 m\"")
        try:
            pace = parse_pace_s_per_m(_text(raw["rest_pace"], '"6:00/mi"'))
        except UnitError as e:
            raise where.error(number, "rest_pace", str(e)) from None
        rest = Rest(distance_m=rest.distance_m, pace_s_per_m=pace)
    return rest
