"""Vietnamese messages address the officer as "đồng chí", never "bạn" (one form of address app-wide)."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
INFORMAL = re.compile(r"(?<![^\W\d_])bạn(?![^\W\d_])", re.IGNORECASE)


def test_backend_messages_never_say_ban():
    offenders = []
    for package in ("backend", "inspection", "media_ingest"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if INFORMAL.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
