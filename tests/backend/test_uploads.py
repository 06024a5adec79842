"""Storing an upload (backend.core.uploads): one owner for names, caps, types and hashes."""
from __future__ import annotations

import hashlib
import io

import pytest

from backend.core.errors import DomainError
from backend.core.store import ObjectMissing, get_store
from backend.core.uploads import NAME_MAX, clean_filename, store_upload


@pytest.mark.parametrize("raw,clean", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\biên bản.pdf", "biên_bản.pdf"),
    ("  ", "file"),
    (None, "file"),
    ("...", "file"),
    ("a<b>c|d.jpg", "a_b_c_d.jpg"),
])
def test_names_are_cleaned(raw, clean):
    assert clean_filename(raw) == clean


def test_a_long_name_keeps_its_extension():
    name = clean_filename("x" * 500 + ".pdf")
    assert len(name) == NAME_MAX and name.endswith(".pdf")


def test_a_file_is_hashed_and_stored_under_its_hash(tmp_path):
    data = b"noi dung chung cu" * 1000
    stored = store_upload(fileobj=io.BytesIO(data), filename="../ảnh chụp.jpg", content_type="image/jpeg",
                          prefix="/cases/7/docs/", max_bytes=1024 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == sha and stored.size == len(data)
    assert stored.key == f"cases/7/docs/{sha}/ảnh_chụp.jpg" and stored.filename == "ảnh_chụp.jpg"
    with get_store().open(stored.key) as fh:
        assert fh.read() == data


@pytest.mark.parametrize("data,limit,words", [(b"", 100, "rỗng"), (b"x" * 101, 100, "quá lớn")])
def test_empty_and_oversized_files_are_refused_and_nothing_is_stored(data, limit, words):
    with pytest.raises(DomainError) as err:
        store_upload(fileobj=io.BytesIO(data), filename="a.pdf", content_type="", prefix="t/refused",
                     max_bytes=limit)
    assert words in err.value.message and err.value.status == 400 and "file" in err.value.fields
    sha = hashlib.sha256(data).hexdigest()
    with pytest.raises(ObjectMissing):
        get_store().open(f"t/refused/{sha}/a.pdf")


def test_a_file_of_exactly_the_limit_is_accepted():
    stored = store_upload(fileobj=io.BytesIO(b"y" * 100), filename="a.txt", content_type=None, prefix="t/limit",
                          max_bytes=100)
    assert stored.size == 100 and stored.content_type == "application/octet-stream"


def test_a_type_that_is_not_allowed_is_refused_before_reading():
    class Unreadable(io.BytesIO):
        def read(self, *args):  # pragma: no cover - must never be called
            raise AssertionError("read before the type was checked")

    with pytest.raises(DomainError) as err:
        store_upload(fileobj=Unreadable(b"x"), filename="virus.EXE", content_type="", prefix="t/x",
                     max_bytes=100, allowed_suffixes={".pdf", ".docx"})
    assert ".docx, .pdf" in err.value.message
    stored = store_upload(fileobj=io.BytesIO(b"%PDF"), filename="QD.PDF", content_type="application/pdf",
                          prefix="t/x", max_bytes=100, allowed_suffixes={".pdf"})
    assert stored.filename == "QD.PDF"
