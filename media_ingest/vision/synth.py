"""Synthetic counter footage with exact ground truth (pure: av + cv2 + numpy).

A fixed camera over a one-stop counter: a textured wall and counter, an "officer" block behind
the counter on the left, a "citizen" block in front of it on the right, and tamper periods
(lens covered, image blurred, view moved). Everything is decided by the scenario and the seed,
so the same call writes the same picture sequence and returns the same ground truth.

Used by the tests, the benchmark and the Django `seed_demo` command (demo footage in the store).

    clip = generate_counter_clip(Path("demo.mp4"), seed=1)
    clip.truth          # TruthEvent(kind, zone, start, end, detail) ...
    clip.zones          # zones document for the camera
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeAlias

import av
import av.video.frame
import cv2
import numpy as np
import numpy.typing as npt

from media_ingest.vision.zones import DEFAULT_ZONE_NAME, validate_zones

Image: TypeAlias = npt.NDArray[Any]  # H x W x 3 uint8 BGR (loose: see detect.Gray)
Box = tuple[float, float, float, float]

OFFICER_ZONE: dict[str, object] = {"name": "officer", "points": [[0.02, 0.08], [0.46, 0.08], [0.46, 0.9], [0.02, 0.9]]}
CITIZEN_ZONE: dict[str, object] = {"name": "citizen", "points": [[0.54, 0.08], [0.98, 0.08], [0.98, 1.0], [0.54, 1.0]]}
TAMPER_KINDS = ("covered", "blurred", "moved")


@dataclass(frozen=True, slots=True)
class Actor:
    """A person-like block. `visits` are (arrive, leave) in seconds; `sway_px` 0 = stock-still."""

    name: str
    zone: str
    box: Box  # body x0, y0, x1, y1 in 0..1 (a head is drawn above it)
    visits: tuple[tuple[float, float], ...]
    color: tuple[int, int, int]  # BGR
    sway_px: float = 0.0


@dataclass(frozen=True, slots=True)
class TamperPeriod:
    kind: str  # covered | blurred | moved
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Scenario:
    duration: float
    fps: int
    width: int
    height: int
    zones: tuple[dict[str, object], ...]
    actors: tuple[Actor, ...]
    tampers: tuple[TamperPeriod, ...] = ()
    noise: float = 2.0  # sensor noise, luma standard deviation

    def scaled(self, width: int, height: int) -> Scenario:
        return replace(self, width=width, height=height)


@dataclass(frozen=True, slots=True)
class TruthEvent:
    kind: str
    zone: str
    start: float
    end: float
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class SynthClip:
    path: Path
    scenario: Scenario
    codec: str
    truth: tuple[TruthEvent, ...]
    zones: list[dict[str, object]] = field(default_factory=list)

    def truth_of(self, kind: str, zone: str | None = None, detail: str | None = None) -> list[TruthEvent]:
        return [
            e
            for e in self.truth
            if e.kind == kind and (zone is None or e.zone == zone) and (detail is None or e.detail == detail)
        ]


# --- scenarios ---------------------------------------------------------------------------------
def counter_scenario(*, width: int = 320, height: int = 180, fps: int = 10, noise: float = 2.0) -> Scenario:
    """76 s at the counter.

    officer: present 0-15 (already seated when the clip starts), away 15-30, back 30-76
    citizen: arrives at 20, stands perfectly still, leaves at 42
    => officer_absent 15-30, unattended 20-30
    tamper: covered 48-52, blurred 56-60, view moved 64-69
    """
    return Scenario(
        duration=76.0,
        fps=fps,
        width=width,
        height=height,
        zones=(OFFICER_ZONE, CITIZEN_ZONE),
        actors=(
            Actor("officer", "officer", (0.14, 0.32, 0.32, 0.78), ((0.0, 15.0), (30.0, 76.0)),
                  (150, 70, 35), sway_px=0.004 * width),
            Actor("citizen", "citizen", (0.64, 0.30, 0.84, 0.97), ((20.0, 42.0),), (40, 40, 170)),
        ),
        tampers=(
            TamperPeriod("covered", 48.0, 52.0),
            TamperPeriod("blurred", 56.0, 60.0),
            TamperPeriod("moved", 64.0, 69.0),
        ),
        noise=noise,
    )  # fmt: skip


def still_person_scenario(*, width: int = 320, height: int = 180, fps: int = 10, duration: float = 40.0) -> Scenario:
    """No zones (the whole frame is `scene`): one person arrives at 5 s and stands stock-still
    until duration - 5 s."""
    return Scenario(
        duration=duration,
        fps=fps,
        width=width,
        height=height,
        zones=(),
        actors=(
            Actor("citizen", DEFAULT_ZONE_NAME, (0.42, 0.30, 0.60, 0.97), ((5.0, duration - 5.0),),
                  (60, 120, 40)),
        ),
    )  # fmt: skip


def bench_scenario(*, duration: float = 300.0, width: int = 1280, height: int = 720, fps: int = 25) -> Scenario:
    """A long counter scene for the benchmark: visits repeat every 60 s."""
    officer, citizen = [], []
    for base in range(0, int(duration), 60):
        officer.append((float(base), min(duration, base + 35.0)))
        officer.append((min(duration, base + 48.0), min(duration, base + 60.0)))
        citizen.append((base + 20.0, min(duration, base + 44.0)))
    return Scenario(
        duration=duration,
        fps=fps,
        width=width,
        height=height,
        zones=(OFFICER_ZONE, CITIZEN_ZONE),
        actors=(
            Actor("officer", "officer", (0.14, 0.32, 0.32, 0.78), tuple(officer), (150, 70, 35),
                  sway_px=0.004 * width),
            Actor("citizen", "citizen", (0.64, 0.30, 0.84, 0.97), tuple(citizen), (40, 40, 170),
                  sway_px=0.002 * width),
        ),
    )  # fmt: skip


# --- ground truth ------------------------------------------------------------------------------
def ground_truth(scenario: Scenario) -> tuple[TruthEvent, ...]:
    """Exact truth: presence per zone, officer_absent and unattended (raw, before any minimum
    duration), tamper periods. Times in seconds, clipped to the clip."""
    dur = scenario.duration
    zone_names = [str(z["name"]) for z in scenario.zones] or [DEFAULT_ZONE_NAME]
    presence: dict[str, list[tuple[float, float]]] = {}
    for name in zone_names:
        spans = [
            (max(0.0, a), min(dur, b))
            for actor in scenario.actors
            if actor.zone == name
            for a, b in actor.visits
            if min(dur, b) > max(0.0, a)
        ]
        presence[name] = _union(spans)
    truth = [TruthEvent("presence", name, a, b) for name in zone_names for a, b in presence[name]]
    if "officer" in presence:
        absent = _complement(presence["officer"], dur)
        truth += [TruthEvent("officer_absent", "officer", a, b) for a, b in absent]
        if "citizen" in presence:
            truth += [TruthEvent("unattended", "citizen", a, b) for a, b in _intersect(presence["citizen"], absent)]
    truth += [TruthEvent("tamper", DEFAULT_ZONE_NAME, p.start, p.end, p.kind) for p in scenario.tampers]
    truth.sort(key=lambda e: (e.start, e.kind, e.zone))
    return tuple(truth)


# --- rendering ---------------------------------------------------------------------------------
class Renderer:
    """Frame i of a scenario as a BGR image (deterministic for a seed)."""

    def __init__(self, scenario: Scenario, seed: int = 0) -> None:
        self.s = scenario
        self.rng = np.random.default_rng(seed)
        self.background = _background(scenario.width, scenario.height, self.rng)
        self.noise_bank = self._noise_bank(16) if scenario.noise > 0 else []
        for period in scenario.tampers:
            if period.kind not in TAMPER_KINDS:
                raise ValueError(f"unknown tamper kind {period.kind!r}")

    def _noise_bank(self, n: int) -> list[tuple[Image, Image]]:
        h, w = self.s.height, self.s.width
        bank = []
        for _ in range(n):
            noise = self.rng.normal(0.0, self.s.noise, (h, w, 1)).clip(-30, 30)
            noise = np.repeat(noise, 3, axis=2)  # luma noise: same on all channels
            bank.append((np.clip(noise, 0, None).astype(np.uint8), np.clip(-noise, 0, None).astype(np.uint8)))
        return bank

    def frame(self, i: int) -> Image:
        s = self.s
        t = i / s.fps
        img = self.background.copy()
        for actor in s.actors:
            if any(a <= t < b for a, b in actor.visits):
                _draw_actor(img, actor, t)
        tamper = next((p.kind for p in s.tampers if p.start <= t < p.end), None)
        if tamper == "blurred":
            img = cv2.GaussianBlur(img, (0, 0), sigmaX=0.02 * s.width)
        elif tamper == "moved":
            shift = np.array([[1, 0, 0.15 * s.width], [0, 1, 0.08 * s.height]], dtype=np.float32)
            img = cv2.warpAffine(img, shift, (s.width, s.height), borderMode=cv2.BORDER_REFLECT_101)
        elif tamper == "covered":
            img[...] = 9
        if self.noise_bank:
            pos, neg = self.noise_bank[int(self.rng.integers(len(self.noise_bank)))]
            cv2.add(img, pos, dst=img)
            cv2.subtract(img, neg, dst=img)
        return img

    def frames(self) -> Iterator[Image]:
        for i in range(int(round(self.s.duration * self.s.fps))):
            yield self.frame(i)


def write_clip(
    path: Path | str,
    scenario: Scenario,
    *,
    seed: int = 0,
    codec: str = "h264",
    faststart: bool = False,
    crf: int = 20,
    preset: str = "veryfast",
    keyframe_every_s: float = 2.0,
) -> SynthClip:
    """Encode `scenario` to `path` (MP4; codec "h264" via libx264 or "mpeg4"); returns the clip
    with its ground truth. faststart=True puts the MP4 index first (a truncated copy then still
    plays up to the cut). A key frame every `keyframe_every_s`, like a camera."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if scenario.width % 2 or scenario.height % 2:
        raise ValueError("width and height must be even")
    renderer = Renderer(scenario, seed)
    options = {"movflags": "faststart"} if faststart else {}
    tmp = path.with_name(path.name + ".part")
    with av.open(str(tmp), mode="w", format="mp4", options=options) as out:
        rate = Fraction(scenario.fps)
        if codec == "h264":
            stream = out.add_stream("libx264", rate=rate)
            stream.options = {"crf": str(crf), "preset": preset}
        elif codec == "mpeg4":
            stream = out.add_stream("mpeg4", rate=rate)
            stream.bit_rate = max(400_000, scenario.width * scenario.height * scenario.fps // 8)
        else:
            raise ValueError(f"codec must be 'h264' or 'mpeg4', not {codec!r}")
        stream.width, stream.height, stream.pix_fmt = scenario.width, scenario.height, "yuv420p"
        stream.codec_context.gop_size = max(1, int(round(keyframe_every_s * scenario.fps)))
        for i, img in enumerate(renderer.frames()):
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            frame.pts = i
            frame.time_base = 1 / rate
            frame.pict_type = av.video.frame.PictureType.NONE
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    tmp.replace(path)
    zones = [dict(z) for z in scenario.zones]
    if zones:
        validate_zones(zones)
    return SynthClip(path, scenario, codec, ground_truth(scenario), zones)


def generate_counter_clip(
    path: Path | str,
    *,
    seed: int = 0,
    codec: str = "h264",
    width: int = 320,
    height: int = 180,
    fps: int = 10,
    faststart: bool = False,
) -> SynthClip:
    """The standard 76 s counter scene (see `counter_scenario`) written to `path`."""
    return write_clip(
        path, counter_scenario(width=width, height=height, fps=fps), seed=seed, codec=codec, faststart=faststart
    )


# --- helpers ---------------------------------------------------------------------------------
def _background(w: int, h: int, rng: np.random.Generator) -> Image:
    """Wall with posters and a window, a wooden counter, a tiled floor; textured at several scales."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    wall_end, counter_end = int(0.55 * h), int(0.70 * h)
    # wall: beige gradient + low-frequency blotches
    blotch = cv2.resize(rng.normal(0, 1, (6, 10)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    wall = 150 + 30 * (1 - yy / h) + 10 * blotch
    img[:wall_end] = np.stack([wall * 0.85, wall * 0.95, wall], axis=2)[:wall_end]
    # counter: wood stripes
    stripes = 100 + 25 * np.sin(xx / w * 60 + 2 * np.sin(yy / h * 20)) + 8 * blotch
    img[wall_end:counter_end] = np.stack([stripes * 0.45, stripes * 0.7, stripes], axis=2)[wall_end:counter_end]
    # floor: tiles
    tile = max(4, w // 16)
    checker = (((xx // tile) + (yy // tile)) % 2) * 30 + 80 + 6 * blotch
    img[counter_end:] = np.stack([checker, checker, checker * 1.05], axis=2)[counter_end:]
    out = np.clip(img, 0, 255).astype(np.uint8)

    # posters and a window on the wall, a sign on the counter
    def rect(box: Box, color: tuple[int, int, int]) -> None:
        x0, y0, x1, y1 = box
        cv2.rectangle(out, (int(x0 * w), int(y0 * h)), (int(x1 * w), int(y1 * h)), color, -1)

    rect((0.03, 0.06, 0.12, 0.26), (60, 140, 200))
    rect((0.36, 0.05, 0.46, 0.20), (200, 200, 210))
    rect((0.38, 0.07, 0.44, 0.10), (40, 40, 40))
    rect((0.52, 0.04, 0.66, 0.22), (170, 120, 60))
    rect((0.86, 0.07, 0.97, 0.36), (210, 190, 150))
    rect((0.88, 0.09, 0.95, 0.34), (120, 90, 50))
    rect((0.45, 0.57, 0.56, 0.66), (30, 30, 160))
    fine = rng.normal(0, 5, (h, w, 1)).astype(np.float32)  # fixed fine texture (paint, grain)
    out = np.clip(out.astype(np.float32) + fine, 0, 255).astype(np.uint8)
    return out


def _draw_actor(img: Image, actor: Actor, t: float) -> None:
    h, w = img.shape[:2]
    dx = int(round(actor.sway_px * math.sin(2 * math.pi * t / 3.0))) if actor.sway_px else 0
    x0, y0, x1, y1 = actor.box
    p0 = (int(x0 * w) + dx, int(y0 * h))
    p1 = (int(x1 * w) + dx, int(y1 * h))
    cv2.rectangle(img, p0, p1, actor.color, -1)
    # shirt stripes and arms give the block edges of its own
    step = max(3, (p1[1] - p0[1]) // 8)
    darker = tuple(int(c * 0.6) for c in actor.color)
    for y in range(p0[1] + step, p1[1], 2 * step):
        cv2.rectangle(img, (p0[0], y), (p1[0], min(p1[1], y + step // 2)), darker, -1)
    head_r = max(2, int(0.045 * w))
    centre = ((p0[0] + p1[0]) // 2, p0[1] - int(head_r * 0.9))
    cv2.circle(img, centre, head_r, (120, 150, 190), -1)
    cv2.circle(img, centre, max(1, head_r // 2), (40, 50, 60), -1, lineType=cv2.LINE_8)


def _union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _complement(spans: list[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    out, cursor = [], 0.0
    for a, b in spans:
        if a > cursor:
            out.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < duration:
        out.append((cursor, duration))
    return out


def _intersect(xs: list[tuple[float, float]], ys: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = []
    for a, b in xs:
        for c, d in ys:
            lo, hi = max(a, c), min(b, d)
            if hi > lo:
                out.append((lo, hi))
    return out
