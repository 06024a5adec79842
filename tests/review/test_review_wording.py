"""The reviewer's messages say "vi phạm" (the word users know for a finding), never "kết luận" (fixui)."""
from __future__ import annotations

from pathlib import Path

REVIEW = Path(__file__).resolve().parents[2] / "media_ingest" / "review"


def test_no_review_message_calls_a_finding_ket_luan():
    said = [f"{path.relative_to(REVIEW)}:{n}" for path in sorted(REVIEW.rglob("*.py")) if "migrations" not in path.parts
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "kết luận" in line]
    assert not said, said
