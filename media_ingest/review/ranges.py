"""Time ranges in seconds: validation and merging (pure)."""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def merge_ranges(ranges: Iterable[Iterable[float]], *, join_gap: float = 0.0) -> list[list[float]]:
    """Sorted, non-overlapping [start, end] pairs; ranges closer than `join_gap` are joined."""
    items = sorted((float(a), float(b)) for a, b in ranges if float(b) > float(a))
    merged: list[list[float]] = []
    for start, end in items:
        if merged and start <= merged[-1][1] + join_gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[round(a, 3), round(b, 3)] for a, b in merged]


def total(ranges: Iterable[Iterable[float]]) -> float:
    return float(sum(b - a for a, b in ranges))


def parse_ranges(raw: Any, *, duration: float | None, max_ranges: int = 2000) -> list[tuple[float, float]]:
    """Validate client ranges; returns them clamped to the clip. Raises ValueError with a reason."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("ranges must be a non-empty list of [start, end] pairs")
    if len(raw) > max_ranges:
        raise ValueError(f"at most {max_ranges} ranges per request")
    out: list[tuple[float, float]] = []
    for i, pair in enumerate(raw):
        if (not isinstance(pair, list | tuple) or len(pair) != 2
                or any(isinstance(v, bool) or not isinstance(v, int | float) for v in pair)):
            raise ValueError(f"range {i} must be [start, end] in seconds")
        start, end = float(pair[0]), float(pair[1])
        if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end <= start:
            raise ValueError(f"range {i} must have 0 <= start < end")
        if duration is not None and start >= duration + 1.0:
            raise ValueError(f"range {i} starts after the end of the clip ({duration:.1f} s)")
        if duration is not None:
            end = min(end, duration)
        out.append((start, end))
    return out
