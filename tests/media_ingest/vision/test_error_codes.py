"""Each reason the vision package gives is a code with parameters, raised or reported where it happens, and
its words (Vietnamese and English) come from the one table, vision.errors.MESSAGES."""

from __future__ import annotations

import re
import string
from pathlib import Path

import numpy as np
import pytest

from media_ingest.vision import MESSAGES, VisionError, VisionIssue, analyze, message, probe
from media_ingest.vision.errors import DAMAGE
from tests.media_ingest import bad_files


def test_every_code_has_a_test_input() -> None:
    assert set(bad_files.REFUSED) | set(bad_files.PARTIAL) | {"background_unused"} == set(MESSAGES)
    assert set(bad_files.PARTIAL) == DAMAGE


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_the_table_says_each_code_in_both_languages_with_the_same_parameters(code: str) -> None:
    vi, en = MESSAGES[code]
    names = {field for _text, field, _spec, _conv in string.Formatter().parse(vi) if field}
    assert names == {field for _text, field, _spec, _conv in string.Formatter().parse(en) if field} - {"detail"}
    assert vi != en and vi[0].isupper() and "\n" not in vi + en
    assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ]", vi), vi


@pytest.mark.parametrize("code", sorted(bad_files.REFUSED))
def test_each_refusal_is_raised_with_its_code(code: str, tmp_path: Path) -> None:
    with pytest.raises(VisionError) as caught:
        analyze(bad_files.build(code, tmp_path))
    error = caught.value
    assert error.code == code, (error.code, error.params)
    assert error.reason == str(error) == message(code, error.params, "en") == error.message()
    assert "{" not in error.message("vi") + error.reason and "\n" not in error.reason and len(error.reason) < 300
    assert error.message("vi") != error.reason


def test_parameters_of_the_refusals(tmp_path: Path) -> None:
    with pytest.raises(VisionError) as audio:
        analyze(bad_files.build("no_video_stream", tmp_path / "a"))
    assert audio.value.params == {"streams": ["audio"]}
    assert audio.value.reason == "the file contains no video, only audio"  # as before the codes
    assert audio.value.message("vi") == "Tệp không có hình (chỉ có âm thanh)"
    with pytest.raises(VisionError) as closed:
        probe(bad_files.build("cannot_open", tmp_path / "b"))  # type: ignore[arg-type]
    assert closed.value.code == "cannot_open" and "closed file" in closed.value.params["detail"]
    assert closed.value.reason.startswith("cannot open the file: ") and closed.value.message("vi") == "Không mở được tệp video"


@pytest.mark.parametrize("code", sorted(bad_files.PARTIAL))
def test_each_partial_read_is_reported_with_its_code(code: str, tmp_path: Path) -> None:
    result = analyze(bad_files.build(code, tmp_path))
    assert result.partial and result.frames_decoded > 0
    issue = next(i for i in result.issues if i.code == code)
    assert result.warnings == [i.message("en") for i in result.issues]
    assert "{" not in issue.message("vi") + issue.message("en")
    numbers = {k: v for k, v in issue.params.items() if k != "detail"}
    assert numbers and all(isinstance(v, (int, float)) for v in numbers.values()), issue.params


def test_a_file_cut_short_says_how_far_it_was_read_in_both_languages(tmp_path: Path) -> None:
    result = analyze(bad_files.build("ends_early", tmp_path))
    [issue] = result.issues
    assert issue == VisionIssue("ends_early", {"decoded": 1.6, "duration": 3.0})
    assert result.warnings == ["file ends early: video decoded up to 1.6 s of 3.0 s (truncated or damaged)"]
    assert issue.message("vi") == "Tệp bị cắt cụt: chỉ đọc được 1,6 s trên 3,0 s"  # the vi-VN decimal comma


def test_a_background_that_does_not_fit_is_an_issue_not_damage(tmp_path: Path) -> None:
    path = bad_files.encoded(tmp_path / "ok.mkv")
    result = analyze(path, background=np.zeros((7, 7), np.uint8))
    assert [i.code for i in result.issues] == ["background_unused"] and not result.partial
    assert result.warnings == ["the background given does not fit this video's size; not used"]


def test_a_code_outside_the_table_is_refused_when_raised_and_said_generally_when_read() -> None:
    with pytest.raises(ValueError):
        VisionError("not_a_code")
    with pytest.raises(ValueError):
        VisionError("ends_early")  # a warning, not a refusal
    assert message("from_a_newer_version", {}, "vi") == "Không lập chỉ mục được tệp video"
    assert message("ends_early", {"decoded": 2.0}, "en").startswith("file ends early: video decoded up to 2.0 s of {duration}")


def test_a_long_library_text_is_cut_to_keep_the_reason_short() -> None:
    error = VisionError("cannot_open", {"detail": "x" * 5000})
    assert len(error.params["detail"]) == 300 and len(error.reason) < 400
