"""The standard 400 m track (World Athletics), and where a point lies along it.

Kept apart from fitting and from the session because it is pure geometry:
given the oval's centre and axis in a local plane, any point (the bike, in
whatever lane) maps to the RUNNER's lane-1 coordinate. On the straights the
point is projected perpendicular to the straight, on the bends radially from
the bend's centre, so a bike further out, or a GPS error across the track,
moves the point along the normal of every lane line at once and leaves the
coordinate unchanged. Only the error along the track is left.

Frame: `s` along the home straight in the direction of running, `n` to the
runner's left (the infield). Runners go counterclockwise, so the home straight
is at n = -r and the back straight at n = +r.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STRAIGHT_M = 84.39
KERB_RADIUS_M = 36.5
LANE_WIDTH_M = 1.22
LANE1_MEASURE_M = 0.30  # lane 1 is measured 0.30 m out from the kerb
LANE_MEASURE_M = 0.20  # other lanes 0.20 m out from their inner line
LANES = 8

LANE1_RADIUS_M = KERB_RADIUS_M + LANE1_MEASURE_M
BEND_M = math.pi * LANE1_RADIUS_M  # one bend of lane 1 (115.61 m)
LAP_M = 2 * STRAIGHT_M + 2 * BEND_M  # lane 1's lap: 400.001 m
HALF_M = 0.5 * STRAIGHT_M


def lane_radius_m(lane: int) -> float:
    """The radius of a lane's measure line on the bends (what its lap is run on)."""
    if lane == 1:
        return LANE1_RADIUS_M
    return KERB_RADIUS_M + LANE_WIDTH_M * (lane - 1) + LANE_MEASURE_M


def lane_centre_radius_m(lane: int) -> float:
    """The radius of the middle of a lane: where a bike rides in it."""
    return KERB_RADIUS_M + LANE_WIDTH_M * (lane - 0.5)


def wrap_lap_m(d_m: float) -> float:
    """A lap coordinate difference wrapped to [-LAP/2, LAP/2)."""
    return (d_m + 0.5 * LAP_M) % LAP_M - 0.5 * LAP_M


@dataclass(frozen=True, slots=True)
class Where:
    """A point projected on the oval.

    `coord_m` is lane 1's coordinate in [0, LAP_M), 0 at the start of the home
    straight; (`tx`, `ty`) the unit direction of running there; `scale` what
    turns the point's own speed along (tx, ty) into lane 1's rate (r1 / radius
    on a bend, 1 on a straight); `offset_m` how far out from lane 1 it is.
    """

    coord_m: float
    tx: float
    ty: float
    scale: float
    offset_m: float


@dataclass(frozen=True, slots=True)
class Oval:
    """A track placed in a local plane: its centre and the home straight's direction.

    `ux`, `uy` is the unit vector of running on the home straight (east, north).
    """

    cx: float
    cy: float
    ux: float
    uy: float

    @classmethod
    def from_heading(cls, cx: float, cy: float, heading_deg: float) -> Oval:
        h = math.radians(heading_deg)
        return cls(cx, cy, math.sin(h), math.cos(h))

    @classmethod
    def from_finish(cls, fx: float, fy: float, heading_deg: float) -> Oval:
        """The oval whose home straight ends at a finish point on lane 1's line.

        The common finish line of a standard track is at the end of the home
        straight, where the first bend begins.
        """
        h = math.radians(heading_deg)
        ux, uy = math.sin(h), math.cos(h)
        lx, ly = -uy, ux  # the runner's left: the infield
        return cls(fx - HALF_M * ux + LANE1_RADIUS_M * lx, fy - HALF_M * uy + LANE1_RADIUS_M * ly, ux, uy)

    @property
    def heading_deg(self) -> float:
        return math.degrees(math.atan2(self.ux, self.uy)) % 360.0

    def project(self, x: float, y: float) -> Where:
        """Where a point of the plane lies along lane 1 (a few float operations)."""
        ux, uy = self.ux, self.uy
        dx, dy = x - self.cx, y - self.cy
        s = dx * ux + dy * uy
        n = dy * ux - dx * uy
        if -HALF_M <= s <= HALF_M:
            if n < 0.0:  # home straight, running +s
                return Where(s + HALF_M, ux, uy, 1.0, -n - LANE1_RADIUS_M)
            return Where(STRAIGHT_M + BEND_M + HALF_M - s, -ux, -uy, 1.0, n - LANE1_RADIUS_M)
        if s > HALF_M:  # bend 1: centre (+L/2, 0), angle -pi/2 .. +pi/2
            a, base = s - HALF_M, STRAIGHT_M + 0.5 * BEND_M
        else:  # bend 2: centre (-L/2, 0), angle +pi/2 .. 3pi/2
            a, base = s + HALF_M, 2 * STRAIGHT_M + 1.5 * BEND_M
        rho = math.hypot(a, n)
        if rho < 1e-9:
            return Where(base, -ux if s > 0 else ux, -uy if s > 0 else uy, 1.0, -LANE1_RADIUS_M)
        ca, sa = a / rho, n / rho  # unit radius, in (s, n)
        ang = math.atan2(sa, ca) if s > 0 else math.atan2(-sa, -ca)
        coord = base + LANE1_RADIUS_M * ang
        # tangent of counterclockwise motion: (-sin, cos) of the radius, back to east/north
        ts, tn = -sa, ca
        return Where(
            coord % LAP_M, ts * ux - tn * uy, ts * uy + tn * ux, LANE1_RADIUS_M / rho, rho - LANE1_RADIUS_M
        )

    def point_at(self, coord_m: float, offset_m: float = 0.0) -> tuple[float, float]:
        """The plane point at a lane-1 coordinate, `offset_m` out from lane 1."""
        c = coord_m % LAP_M
        r = LANE1_RADIUS_M + offset_m
        if c < STRAIGHT_M:
            s, n = c - HALF_M, -r
        elif c < STRAIGHT_M + BEND_M:
            ang = (c - STRAIGHT_M) / LANE1_RADIUS_M - 0.5 * math.pi
            s, n = HALF_M + r * math.cos(ang), r * math.sin(ang)
        elif c < 2 * STRAIGHT_M + BEND_M:
            s, n = HALF_M - (c - STRAIGHT_M - BEND_M), r
        else:
            ang = (c - 2 * STRAIGHT_M - BEND_M) / LANE1_RADIUS_M + 0.5 * math.pi
            s, n = -HALF_M + r * math.cos(ang), r * math.sin(ang)
        return self.cx + s * self.ux - n * self.uy, self.cy + s * self.uy + n * self.ux
