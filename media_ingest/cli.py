"""Command line: analyse a local video file, no database, no Django.

    python -m media_ingest analyze FILE [--zones ZONES.json] [--json]

Exit codes: 0 analysed (possibly partially: see warnings), 2 unreadable file or bad arguments,
3 unexpected failure. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

EXIT_OK = 0
EXIT_UNREADABLE = 2
EXIT_FAILURE = 3
_BARS = " ▁▂▃▄▅▆▇█"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m media_ingest",
        description="Counterwatch media tools (work on local files; no database needed).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze = commands.add_parser(
        "analyze",
        help="index one video file: presence, unattended counter, officer absence, tamper",
        description="Analyse FILE and print its events and per-second activity.",
    )
    analyze.add_argument("file", metavar="FILE", help="video file (any container/codec FFmpeg reads)")
    analyze.add_argument(
        "--zones",
        metavar="ZONES.json",
        help='zones as JSON: [{"name": "officer", "points": [[x, y], ...]}, ...] in 0..1 '
        "frame coordinates (default: the whole frame, named scene)",
    )
    analyze.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args, out, err)
    except KeyboardInterrupt:
        print("error: interrupted", file=err)
        return 130
    except Exception as exc:  # noqa: BLE001  # the CLI promises one line, never a traceback
        print(f"error: unexpected failure: {type(exc).__name__}: {_one_line(str(exc))}", file=err)
        return EXIT_FAILURE
    return EXIT_FAILURE


def _analyze(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from media_ingest.vision import VisionError, analyze, sha256_file, validate_zones

    zones = None
    if args.zones:
        try:
            text = Path(args.zones).read_text(encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot read zones file {args.zones}: {exc.strerror or exc}", file=err)
            return EXIT_UNREADABLE
        try:
            zones = validate_zones(text)
        except ValueError as exc:
            print(f"error: zones file {args.zones}: {_one_line(str(exc))}", file=err)
            return EXIT_UNREADABLE

    path = Path(args.file)
    try:
        result = analyze(path, zones=zones)
        digest, size = sha256_file(path)
    except VisionError as exc:
        print(f"error: {path.name}: {exc.reason}", file=err)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"error: {path.name}: {exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE

    document = result.to_dict()
    file_info = document["file"]
    assert isinstance(file_info, dict)
    file_info["name"] = path.name
    file_info["sha256"] = digest
    file_info["size"] = size
    if args.json:
        out.write(json.dumps(document, ensure_ascii=False) + "\n")
    else:
        _print_summary(document, [z.name for z in result.zones], out)
    return EXIT_OK


def _print_summary(doc: dict[str, object], zones: list[str], out: TextIO) -> None:
    file = doc["file"]
    events = doc["events"]
    activity = doc["activity"]
    warnings = doc["warnings"]
    assert isinstance(file, dict) and isinstance(events, list)
    assert isinstance(activity, list) and isinstance(warnings, list)
    w = out.write
    w(f"{file['name']}\n")
    w(
        f"  {_clock(float(file['duration']))} ({file['duration']:.1f} s), "
        f"{file['width']}x{file['height']}, {file['fps']:g} fps, {file['codec']}, "
        f"{file['container'].split(',')[0]}, {_size(int(file['size']))}\n"
    )
    w(f"  sha256 {file['sha256']}\n")
    w(f"  zones: {', '.join(zones)}\n")
    if not events:
        w("no events\n")
    else:
        w(f"{len(events)} event{'s' if len(events) != 1 else ''}:\n")
        for e in events:
            kind = e["kind"] + (f" ({e['detail']})" if e.get("detail") else "")
            span = e["end"] - e["start"]
            w(
                f"  {_clock(e['start'])} - {_clock(e['end'])}  {span:6.1f} s  "
                f"{kind:<18} {e['zone']:<10} score {e['score']:.2f}\n"
            )
    if activity:
        peak = max(range(len(activity)), key=lambda i: activity[i])
        mean = sum(activity) / len(activity)
        w(f"activity: mean {mean:.3f}, peak {activity[peak]:.3f} at {_clock(float(peak))}\n")
        w(f"  {_sparkline(activity)}\n")
    if warnings:
        w("warnings:\n")
        for text in warnings:
            w(f"  - {text}\n")


def _sparkline(values: list[float], width: int = 72) -> str:
    if not values:
        return ""
    step = max(1, -(-len(values) // width))
    buckets = [max(values[i : i + step]) for i in range(0, len(values), step)]
    top = max(buckets) or 1.0
    return "".join(_BARS[min(len(_BARS) - 1, round(v / top * (len(_BARS) - 1)))] for v in buckets)


def _clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    minutes, secs = divmod(seconds, 60.0)
    hours, minutes = divmod(int(minutes), 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:04.1f}"
    return f"{minutes}:{secs:04.1f}"


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]  # int -> float for display only
    return f"{n} B"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
