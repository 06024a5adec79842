"""Named zones: polygons in normalized 0..1 frame coordinates (x right, y down).

`validate_zones` is the one place that decides whether a zones document is acceptable; the Django
side calls it to validate a camera's zones, the CLI calls it on --zones, `analyze` calls it on
whatever it is given. It raises ValueError with a message meant for a person.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

DEFAULT_ZONE_NAME = "scene"
MAX_ZONES = 32
MAX_POINTS = 100
MIN_AREA = 1e-4  # share of the frame; 1e-4 is a 1% x 1% square
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Zone:
    name: str
    points: tuple[tuple[float, float], ...]

    @property
    def area(self) -> float:
        return abs(_signed_area(self.points))

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "points": [[x, y] for x, y in self.points]}


def default_zones() -> list[Zone]:
    """The zone used when a camera has none: the whole frame, named `scene`."""
    return [Zone(DEFAULT_ZONE_NAME, ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)))]


def validate_zones(document: object) -> list[Zone]:
    """Check a zones document and return it as Zone objects.

    Accepts a list of {"name": str, "points": [[x, y], ...]} (or that list as JSON text, or a
    dict {"zones": [...]}). Points are normalized 0..1. An empty list means "no zones".
    Raises ValueError with a one-line human explanation of the first problem found.
    """
    if isinstance(document, (bytes, bytearray)):
        document = document.decode("utf-8", errors="replace")
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise ValueError(f"zones are not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(document, Mapping) and set(document.keys()) == {"zones"}:
        document = document["zones"]
    if not isinstance(document, list):
        raise ValueError('zones must be a list of {"name": ..., "points": [[x, y], ...]}')
    if len(document) > MAX_ZONES:
        raise ValueError(f"too many zones: {len(document)} (at most {MAX_ZONES})")

    zones: list[Zone] = []
    seen: set[str] = set()
    for index, item in enumerate(document, start=1):
        label = f"zone {index}"
        if not isinstance(item, Mapping):
            raise ValueError(f'{label} must be an object with "name" and "points"')
        extra = set(item.keys()) - {"name", "points"}
        if extra:
            raise ValueError(f"{label} has unknown field(s): {', '.join(sorted(map(str, extra)))}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{label} needs a non-empty name")
        if not _NAME_RE.match(name):
            raise ValueError(
                f"{label} name {name!r} may only use letters, digits, '_', '-', '.' "
                "(at most 64 characters, starting with a letter or digit)"
            )
        label = f"zone {index} ({name!r})"
        if name in seen:
            raise ValueError(f"{label}: the name is used by another zone; names must be unique")
        seen.add(name)
        points = _validate_points(item.get("points"), label)
        area = abs(_signed_area(points))
        if area < MIN_AREA:
            raise ValueError(
                f"{label} has no real area ({area:.6f} of the frame): its points are on a line or too close together"
            )
        if _self_intersects(points):
            raise ValueError(f"{label}: the polygon's edges cross each other; list points in order")
        zones.append(Zone(name, points))
    return zones


def zones_or_default(zones: Sequence[Zone] | object | None) -> list[Zone]:
    """Validated zones (Zone objects or a zones document); `scene` when none are given."""
    if zones is None:
        return default_zones()
    document: object = zones
    if isinstance(zones, (list, tuple)):
        document = [z.to_dict() if isinstance(z, Zone) else z for z in zones]
    return validate_zones(document) or default_zones()


def zone_masks(zones: Sequence[Zone], width: int, height: int) -> dict[str, npt.NDArray[np.uint8]]:
    """A 0/1 uint8 mask per zone at the given frame size (never empty)."""
    masks: dict[str, npt.NDArray[np.uint8]] = {}
    shift = 4  # sub-pixel precision for fillPoly
    scale = float(1 << shift)
    for zone in zones:
        mask = np.zeros((height, width), dtype=np.uint8)
        pts = np.array(
            [[round(x * width * scale), round(y * height * scale)] for x, y in zone.points],
            dtype=np.int32,
        )
        cv2.fillPoly(mask, [pts], 1, lineType=cv2.LINE_8, shift=shift)
        if not mask.any():  # tiny zone at a small analysis size: keep its centre pixel
            cx = sum(p[0] for p in zone.points) / len(zone.points)
            cy = sum(p[1] for p in zone.points) / len(zone.points)
            mask[min(height - 1, int(cy * height)), min(width - 1, int(cx * width))] = 1
        masks[zone.name] = mask
    return masks


def _validate_points(raw: object, label: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(raw, list):
        raise ValueError(f'{label} needs "points": a list of [x, y] pairs')
    if len(raw) < 3:
        raise ValueError(f"{label} needs at least 3 points, got {len(raw)}")
    if len(raw) > MAX_POINTS:
        raise ValueError(f"{label} has {len(raw)} points (at most {MAX_POINTS})")
    points: list[tuple[float, float]] = []
    for n, point in enumerate(raw, start=1):
        if (
            not isinstance(point, (list, tuple))
            or len(point) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)
        ):
            raise ValueError(f"{label}: point {n} must be a pair of numbers [x, y], got {point!r}")
        x, y = float(point[0]), float(point[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"{label}: point {n} is not a finite number")
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ValueError(
                f"{label}: point {n} [{x:g}, {y:g}] is outside the frame; "
                "coordinates are fractions of the frame from 0 to 1"
            )
        points.append((x, y))
    # a closing point equal to the first is harmless: drop it
    if len(points) > 3 and points[0] == points[-1]:
        points.pop()
    return tuple(points)


def _signed_area(points: Sequence[tuple[float, float]]) -> float:
    total = 0.0
    for i, (x1, y1) in enumerate(points):
        x2, y2 = points[(i + 1) % len(points)]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def _self_intersects(points: Sequence[tuple[float, float]]) -> bool:
    n = len(points)
    if n < 4:
        return False
    edges = [(points[i], points[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbours share a vertex
            if _segments_cross(*edges[i], *edges[j]):
                return True
    return False


def _segments_cross(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]
) -> bool:
    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = orient(c, d, a), orient(c, d, b)
    d3, d4 = orient(a, b, c), orient(a, b, d)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)
