"""Ingest benchmark: index time vs pure decode time on a 720p 25 fps H.264 clip.

    python bench/ingest.py [--minutes 5] [--repeat 2]

Generates (once, cached under var/bench/) a synthetic counter clip with PyAV, then in one run
measures (best of --repeat):
  decode: only decoding it with the decoder settings `analyze` uses (threaded), nothing else
  index:  `analyze` with zones officer + citizen and all derivatives written to a temp dir
and prints the wall-clock ratio (target: index/decode <= 0.8: `analyze` skips the frames and the
loop filter its analysis does not need, see media_ingest/vision/analyze.py), the CPU-time ratio,
which is steadier when other work shares the machine, and the index run's split by stage
(demux, decode, analysis on its own thread beside the decoder, derivatives).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import av  # noqa: E402

from media_ingest.vision import AnalysisConfig, analyze, probe, sha256_file  # noqa: E402
from media_ingest.vision.synth import bench_scenario, write_clip  # noqa: E402

TARGET = 0.8


def bench_clip(minutes: float) -> Path:
    seconds = int(round(minutes * 60))
    path = ROOT / "var" / "bench" / f"counter-720p25-{seconds}s.mp4"
    if not path.exists():
        print(f"generating {path.relative_to(ROOT)} ({seconds} s, 1280x720, 25 fps, H.264)...", flush=True)
        started = time.perf_counter()
        write_clip(path, bench_scenario(duration=float(seconds)), seed=7, crf=23)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def decode_only(path: Path) -> tuple[float, float, int]:
    """(wall s, CPU s of all threads, frames)"""
    started, cpu = time.perf_counter(), time.process_time()
    frames = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _frame in container.decode(stream):
            frames += 1
    return time.perf_counter() - started, time.process_time() - cpu, frames


def index(path: Path, zones: list[dict[str, object]]) -> tuple[float, float, int, dict[str, float], str]:
    """(wall s, CPU s of all threads, events, seconds per stage, how it decoded)"""
    with tempfile.TemporaryDirectory(prefix="cw-bench-") as tmp:
        started, cpu = time.perf_counter(), time.process_time()
        result = analyze(path, zones=zones, config=AnalysisConfig(), outputs=Path(tmp))
        elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    how = (f"{result.frames_decoded} frames decoded"
           + (" (non-reference frames and loop filter skipped)" if result.skipped_nonref else "")
           + f", {result.frames_analysed} analysed")
    return elapsed, used, len(result.events), result.stage_seconds, how


def _load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="clip length (>= 5 for the figure)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measurement (best kept)")
    args = parser.parse_args()

    path = bench_clip(args.minutes)
    info = probe(path)
    digest, size = sha256_file(path)  # also warms the page cache so both passes read from memory
    print(
        f"clip: {path.relative_to(ROOT)}  {info.width}x{info.height} {info.fps:g} fps {info.codec} "
        f"{info.duration:.1f} s  {size / 1e6:.1f} MB ({(info.bit_rate or 0) / 1e6:.2f} Mbit/s)  "
        f"sha256 {digest[:12]}"
    )
    zones: list[dict[str, object]] = [
        {"name": "officer", "points": [[0.02, 0.08], [0.46, 0.08], [0.46, 0.9], [0.02, 0.9]]},
        {"name": "citizen", "points": [[0.54, 0.08], [0.98, 0.08], [0.98, 1.0], [0.54, 1.0]]},
    ]
    decode_runs, index_runs = [], []
    events = frames = 0
    stages: dict[float, tuple[dict[str, float], str]] = {}
    for _ in range(max(1, args.repeat)):  # interleaved, so both see the same machine load
        d_wall, d_cpu, frames = decode_only(path)
        i_wall, i_cpu, events, split, how = index(path, zones)
        decode_runs.append((d_wall, d_cpu))
        index_runs.append((i_wall, i_cpu))
        stages[i_wall] = (split, how)
    decode_s, decode_cpu = min(decode_runs)
    index_s, index_cpu = min(index_runs)
    ratio = index_s / decode_s
    print(f"frames: {frames}  events: {events}  load average: {_load()}")
    print(f"decode: {decode_s:.2f} s")
    print(f"index: {index_s:.2f} s  ({stages[index_s][1]})")
    split = stages[index_s][0]
    print("index by stage (s): " + ", ".join(f"{k} {v:.2f}" for k, v in split.items())
          + "  (analysis runs on its own thread beside demux + decode)")
    print(f"index/decode ratio: {ratio:.3f} (target <= {TARGET})")
    print(f"realtime multiple: {info.duration / index_s:.1f}")
    paired = sorted(i[0] / d[0] for d, i in zip(decode_runs, index_runs, strict=True))
    print(f"per-run ratios (each index run next to its decode run): {', '.join(f'{r:.3f}' for r in paired)}")
    print(
        f"cpu time (all threads): decode {decode_cpu:.2f} s, index {index_cpu:.2f} s, ratio {index_cpu / decode_cpu:.3f}"
    )
    print(f"machine: {os.cpu_count()} cores, PyAV {av.__version__}, decoder threads: AUTO")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
