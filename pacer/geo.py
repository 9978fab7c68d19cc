"""WGS84 positions to a local east/north plane in metres, and back.

A spherical Earth is up to 0.3 % off in places (5 m a mile), more than the
whole error budget of a split, so the plane uses the ellipsoid's radii of
curvature: north offsets are meridian arcs (meridian radius at the mid
latitude), east offsets are parallel arcs at the point's own latitude. Lengths
along both axes are then exact to first order; what remains is a shear of
(east offset x sin(lat)) radians, which changes lengths only to second order
(under 1e-5 within 10 km of the origin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WGS84_A_M = 6378137.0
WGS84_F = 1 / 298.257223563
WGS84_E2 = WGS84_F * (2 - WGS84_F)


def meridian_radius_m(lat_rad: float) -> float:
    """Radius of curvature along the meridian (M) at a latitude."""
    s = math.sin(lat_rad)
    return WGS84_A_M * (1 - WGS84_E2) / (1 - WGS84_E2 * s * s) ** 1.5


def prime_vertical_radius_m(lat_rad: float) -> float:
    """Radius of curvature across the meridian (N) at a latitude."""
    s = math.sin(lat_rad)
    return WGS84_A_M / math.sqrt(1 - WGS84_E2 * s * s)


def _wrap_pi(a: float) -> float:
    return (a + math.pi) % (2 * math.pi) - math.pi


@dataclass(frozen=True, slots=True)
class LocalPlane:
    """A local east/north plane around an origin; build one per run."""

    lat0_deg: float
    lon0_deg: float

    def to_xy(self, lat_deg: float, lon_deg: float) -> tuple[float, float]:
        """(east_m, north_m) of a position relative to the origin."""
        lat0 = math.radians(self.lat0_deg)
        lat = math.radians(lat_deg)
        north_m = meridian_radius_m(0.5 * (lat0 + lat)) * (lat - lat0)
        dlon = _wrap_pi(math.radians(lon_deg - self.lon0_deg))
        east_m = prime_vertical_radius_m(lat) * math.cos(lat) * dlon
        return east_m, north_m

    def to_latlon(self, east_m: float, north_m: float) -> tuple[float, float]:
        """Inverse of `to_xy` (a few fixed-point rounds: exact to < 1 mm)."""
        lat0 = math.radians(self.lat0_deg)
        lat = lat0 + north_m / meridian_radius_m(lat0)
        for _ in range(4):
            lat = lat0 + north_m / meridian_radius_m(0.5 * (lat0 + lat))
        dlon = east_m / (prime_vertical_radius_m(lat) * math.cos(lat))
        lon_deg = math.degrees(_wrap_pi(math.radians(self.lon0_deg) + dlon))
        return math.degrees(lat), lon_deg


def distance_m(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float) -> float:
    """Short-range ellipsoidal distance between two positions (< a few km)."""
    x, y = LocalPlane(lat1_deg, lon1_deg).to_xy(lat2_deg, lon2_deg)
    return math.hypot(x, y)
