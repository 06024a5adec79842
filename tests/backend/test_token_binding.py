"""Insider review, issue 15 (third pass): the admin created a reviewer account named
'svc-camera_uploader', had a lead approve promoting it to lead (an ordinary-looking request), then created
a camera token: the token list bound the token to the existing account by name, and the token signed the
admin in as a lead, with no password and no second factor, who read drafts and approved his own requests.
A token speaks for a service account only: it is never issued to, nor accepted for, a person's account."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import ApiToken, Role, User
from backend.accounts.services import api_token_create, user_create
from backend.core.actors import SystemActor
from backend.core.errors import DomainError
from backend.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_token_is_never_bound_to_a_persons_account(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    person = user_create(by=SystemActor("test"), username="svc-camera_uploader", password=DEMO_PASSWORD,
                         role=Role.INSPECTION_LEAD, full_name="Trần Văn Quang")
    before = ApiToken.objects.count()
    response = admin.post("/api/auth/tokens/", {"name": "camera", "kind": "camera_uploader"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_service_account"
    assert ApiToken.objects.count() == before  # nothing half-written
    assert "key" not in response.json()
    with pytest.raises(DomainError):
        api_token_create(by=SystemActor("test"), name="x", kind="camera_uploader", user=person)


def test_a_token_of_an_account_that_is_no_longer_a_service_one_is_refused(demo: Any) -> None:
    from rest_framework.test import APIClient

    svc = user_create(by=SystemActor("test"), username="svc-hook", password=None, role=Role.SERVICE)
    _token, key = api_token_create(by=SystemActor("test"), name="hook", kind="minio_webhook", user=svc)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/auth/me/").status_code != 401
    User.objects.filter(pk=svc.pk).update(role=Role.INSPECTION_LEAD)  # however it came to be
    answer = client.get("/api/inspection/findings/")
    assert answer.status_code == 401
