def test_health_reports_every_part(client, db):
    response = client.get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "store", "channel_layer", "job_queue"}
    assert all(part["ok"] for part in body["checks"].values())


def test_health_says_degraded_when_the_store_is_gone(client, db, settings, tmp_path):
    from backend.core.store import stores_reset

    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings.OBJECTS_DIR = blocker  # a file, not a folder: the store cannot exist
    stores_reset()
    response = client.get("/api/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["store"]["ok"] is False


def test_openapi_schema_and_docs(client, db):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/org/units/{id}/heads/", "/api/auth/login/", "/api/health/"):
        assert path in paths
    assert client.get("/api/docs/").status_code == 200


def test_an_unknown_api_address_answers_in_the_api_error_shape_vietnamese_first(db):
    """Adversary finding F4: unknown /api/ paths and malformed ids answered Django's English HTML page."""
    from django.test import Client

    client = Client()
    for path in ("/api/no-such-thing/", "/api/inspection/checks/not-a-uuid/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), path
        error = response.json()["error"]
        assert error["code"] == "not_found" and error["message"].startswith("Không có địa chỉ")
    page = client.get("/static/no-such-file.css")
    assert page.status_code == 404 and not page["Content-Type"].startswith("application/json")


def test_a_signed_in_operator_sees_each_part_in_detail_the_public_does_not(api_as, anon):
    """Operations review F3: the per-queue detail was computed but shown to nobody (the view ran no
    authentication, so every caller looked anonymous)."""
    public = anon.get("/api/health/").json()["checks"]["job_queue"]
    assert public == {"ok": True}
    detail = api_as("admin").get("/api/health/").json()["checks"]["job_queue"]
    assert detail["ok"] is True and detail["mode"] == "in-process" and detail["workers"] >= 1
