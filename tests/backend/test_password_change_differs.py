"""A forced password change must change the password: keeping the one an administrator set would leave it in
force for the person who set it (insider review, issue 15, session 12)."""
import pytest
from rest_framework.test import APIClient

from backend.accounts.models import Role, User
from backend.accounts.services import user_set_password


@pytest.mark.django_db
def test_the_new_password_must_differ_from_the_current_one() -> None:
    holder = User.objects.create_user(username="xemphim7", password="Qv#8rTz!Lm2p", role=Role.REVIEWER)
    admin = User.objects.create_user(username="quantri9", password="Wk#3nPx!Yd7s", role=Role.ADMIN)
    user_set_password(by=admin, user=holder, password="Hz@5cRq!Vb8n")
    holder.refresh_from_db()
    assert holder.password_change_required
    client = APIClient()
    client.force_authenticate(holder)
    kept = client.post("/api/auth/me/password/", {"old_password": "Hz@5cRq!Vb8n", "password": "Hz@5cRq!Vb8n"},
                       format="json")
    assert kept.status_code == 400, kept.content
    assert kept.json()["error"]["code"] == "same_password"
    holder.refresh_from_db()
    assert holder.password_change_required
    changed = client.post("/api/auth/me/password/", {"old_password": "Hz@5cRq!Vb8n", "password": "Gm!6tKw#Rj4x"},
                          format="json")
    assert changed.status_code == 204, changed.content
