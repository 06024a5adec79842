"""The built web app's files: hashed ones cached for good, precompressed variants sent to browsers
that accept them (WhiteNoise, configured in backend/settings.py)."""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from django.conf import settings
from whitenoise import WhiteNoise


def _serve(root: Path, url: str, accept: str = "br, gzip") -> tuple[str, dict[str, str], bytes]:
    app = WhiteNoise(lambda environ, start: [], immutable_file_test=settings.WHITENOISE_IMMUTABLE_FILE_TEST)
    app.add_files(str(root), prefix="/")
    seen: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": url, "HTTP_ACCEPT_ENCODING": accept,
                         "QUERY_STRING": "", "SERVER_NAME": "t", "SERVER_PORT": "80",
                         "wsgi.url_scheme": "http"}, start))
    return seen["status"], seen["headers"], body


def test_hashed_assets_are_immutable_and_index_html_is_not() -> None:
    test = settings.WHITENOISE_IMMUTABLE_FILE_TEST
    assert test("", "/assets/index-DJQ3w6mY.js")
    assert test("", "/assets/ClipsPage-BcOGWqhi.css")
    assert not test("", "/index.html")
    assert not test("", "/favicon.svg")
    assert not test("", "/assets/logo.svg")  # no content hash in the name


def test_a_precompressed_hashed_asset_is_sent_compressed_and_cached_for_good(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    source = b"console.log('counterwatch');\n" * 200
    (tmp_path / "assets" / "index-AbCdEf12.js").write_bytes(source)
    (tmp_path / "assets" / "index-AbCdEf12.js.gz").write_bytes(gzip.compress(source))
    status, headers, body = _serve(tmp_path, "/assets/index-AbCdEf12.js", accept="gzip")
    assert status.startswith("200")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == source
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
    status, headers, body = _serve(tmp_path, "/assets/index-AbCdEf12.js", accept="")
    assert "Content-Encoding" not in headers and body == source


def test_index_html_is_revalidated_on_every_load(client: Any, settings: Any, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>cw</title>")
    settings.FRONTEND_DIST = tmp_path
    response = client.get("/review/clips")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
