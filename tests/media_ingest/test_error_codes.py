"""A clip the vision package could not read (or read only in part) keeps the reason's code and parameters;
its Vietnamese and English words come from the code (vision.errors.MESSAGES), never from parsing a sentence.
Rows written before the codes keep their words."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from media_ingest import services_discovery, services_indexing
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip
from media_ingest.services_messages import clip_message
from media_ingest.vision import message
from tests.media_ingest import bad_files

PARTIAL_SUFFIX = "; đã lập chỉ mục phần đọc được"
FROM_THE_STORE = sorted(set(bad_files.REFUSED) - bad_files.NOT_FROM_THE_STORE)


def _ingest(store: Any, key: str, path: Path) -> Clip:
    info = store.put_file(key, path, "video/mp4")
    ref = ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version)
    clip = services_discovery.clip_discover(ref=ref, source=Clip.Source.RECONCILE).clip
    assert clip is not None
    services_indexing.clip_index(clip_id=clip.pk)
    clip.refresh_from_db()
    return clip


@pytest.mark.parametrize("code", FROM_THE_STORE)
def test_a_refused_file_stores_its_code_and_the_words_of_the_table(demo: Any, store: Any, tmp_path: Path,
                                                                   api_as: Any, code: str) -> None:
    path = bad_files.as_path(bad_files.build(code, tmp_path))
    clip = _ingest(store, f"CAM-TC-01/2026/04/03/08{FROM_THE_STORE.index(code):02d}00.mp4", path)
    assert clip.state == Clip.State.FAILED and not clip.failure_transient
    assert clip.error_code == code
    assert clip.error == message(code, clip.error_params, "vi") and clip.error_en == message(code, clip.error_params, "en")
    assert clip.error != clip.error_en and "{" not in clip.error + clip.error_en
    assert clip_message(clip)["error_code"] == code  # the websocket's clip.failed carries it
    row = api_as("admin").get("/api/media/ingest/clips/?problem=failed").json()["results"]
    assert [(r["error"], r["error_code"], r["error_params"]) for r in row if r["id"] == clip.pk] == [
        (clip.error, code, clip.error_params)]


def test_the_parameters_are_stored_and_said_in_vietnamese(demo: Any, store: Any, tmp_path: Path) -> None:
    clip = _ingest(store, "CAM-TC-01/2026/04/03/090000.mp4",
                   bad_files.as_path(bad_files.build("no_video_stream", tmp_path)))
    assert (clip.error_code, clip.error_params) == ("no_video_stream", {"streams": ["audio"]})
    assert clip.error == "Tệp không có hình (chỉ có âm thanh)"  # before the codes: "không có khung hình nào được ghi"
    assert clip.error_en == "the file contains no video, only audio"


@pytest.mark.parametrize("code", ["ends_early", "packets_skipped"])
def test_a_file_read_in_part_stores_the_code_of_its_first_damage(demo: Any, store: Any, tmp_path: Path,
                                                                 code: str) -> None:
    clip = _ingest(store, f"CAM-TC-01/2026/04/03/10{len(code):02d}00.mp4",
                   bad_files.as_path(bad_files.build(code, tmp_path)))
    assert clip.state == Clip.State.PARTIAL and clip.activity
    assert clip.error_code == code and clip.error_params
    assert clip.error == message(code, clip.error_params, "vi") + PARTIAL_SUFFIX
    assert clip.error_en == message(code, clip.error_params, "en") == clip.warnings[0]
    if code == "ends_early":
        decoded = f"{clip.error_params['decoded']:.1f}".replace(".", ",")
        assert clip.error.startswith(f"Tệp bị cắt cụt: chỉ đọc được {decoded} s trên 3,0 s")


def test_an_ingest_reason_has_no_code_and_a_retry_clears_the_code(demo: Any, store: Any, tmp_path: Path,
                                                                   counter_clip: Any, api_as: Any) -> None:
    clip = _ingest(store, "CAM-TC-01/2026/04/03/110000.mp4",
                   bad_files.as_path(bad_files.build("empty_file", tmp_path)))
    assert clip.error_code == "empty_file"
    store.put_file(clip.key, counter_clip.path, "video/mp4")
    assert api_as("admin").post(f"/api/media/clips/{clip.pk}/retry/").status_code == 202
    clip.refresh_from_db()
    assert (clip.error, clip.error_en, clip.error_code, clip.error_params) == ("", "", "", {})
    store.delete(clip.key)
    services_indexing.clip_index(clip_id=clip.pk)
    clip.refresh_from_db()
    assert clip.state == Clip.State.FAILED and "no longer in the store" in clip.error_en
    assert clip.error == "Tệp không còn trong kho lưu trữ (đã bị xóa)" and clip.error_code == ""


def test_a_failure_without_a_code_needs_both_languages(demo: Any) -> None:
    with pytest.raises(ValueError):
        services_indexing.clip_fail(clip_id=1, reason_en="something went wrong")


def test_a_row_written_before_the_codes_reads_as_it_was(demo: Any, camera: Any, api_as: Any) -> None:
    old = Clip.objects.create(bucket="footage", key="CAM-TC-01/2026/04/03/120000.mp4", etag="e-old", camera=camera,
                              state=Clip.State.FAILED, error="Tệp rỗng (0 byte), không có gì để xem",
                              error_en="empty file (0 bytes)")
    assert (old.error_code, old.error_params) == ("", {})
    rows = api_as("admin").get("/api/media/ingest/clips/?problem=failed").json()["results"]
    assert [(r["error"], r["error_en"], r["error_code"]) for r in rows if r["id"] == old.pk] == [
        ("Tệp rỗng (0 byte), không có gì để xem", "empty file (0 bytes)", "")]
