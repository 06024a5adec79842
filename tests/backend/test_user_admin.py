"""An administrator maintains accounts: role, scope, linked officer, active flag, password reset;
a user changes their own password. Every change is audited; bad input changes nothing."""
import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.org.demo import DEMO_PASSWORD
from tests.conftest import login_client


def _user(username):
    return User.objects.get(username=username)


def _approve_pending(api_as, target):
    """A second inspection lead approves the pending requests about `target` (the two-person rule); the
    person then activates the account with the one-time code, setting DEMO_PASSWORD again."""
    from backend.accounts.models import TeamGrant
    from backend.accounts.services import user_create
    from backend.core.actors import SystemActor

    if not User.objects.filter(username="lead2").exists():
        user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role="inspection_lead")
    for grant in TeamGrant.objects.filter(target=target, state="pending"):
        r = api_as("lead2").post(f"/api/auth/team-grants/{grant.pk}/approve/", {}, format="json")
        assert r.status_code == 200, r.content
        if r.json()["activation_code"]:
            activated = APIClient().post("/api/auth/activate/", {"username": target.username, "password": DEMO_PASSWORD,
                                                                 "code": r.json()["activation_code"]}, format="json")
            assert activated.status_code == 200, activated.content


def test_admin_changes_role_and_scope_and_it_applies_on_the_next_request(api_as, demo):
    unithead = login_client("unithead", DEMO_PASSWORD)
    assert unithead.get("/api/media/clips/").status_code == 403
    target = _user("unithead")
    scope = demo.units["CAX-TC"]
    # taking powers away applies at once (giving a unit head's role waits for a second person: F-D)
    response = api_as("admin").patch(f"/api/auth/users/{target.pk}/",
                                     {"role": "reviewer", "scope_unit_id": scope.pk}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["role"] == "reviewer" and body["scope_unit"]["id"] == scope.pk
    # (a rename of an account in, or just out of, a guarded role is a request: insider review S1-4,
    # test_account_identity.py)
    # the still-open session of that user now has the new role's rights only
    assert unithead.get("/api/auth/me/").json()["role"] == "reviewer"
    assert unithead.get("/api/media/clips/").status_code == 200
    event = AuditEvent.objects.filter(verb="user.update").latest("pk")
    assert event.payload["role"] == ["unit_head", "reviewer"]
    # giving the unit head's role back is a request: the role stays until approved
    back = api_as("admin").patch(f"/api/auth/users/{target.pk}/", {"role": "unit_head"}, format="json")
    assert back.status_code == 200 and back.json()["role"] == "reviewer"
    assert [(p["kind"], p["role"]) for p in back.json()["pending_approvals"]] == [("role", "unit_head")]


def test_deactivated_user_is_signed_out_and_cannot_sign_in(api_as, demo, anon):
    session = login_client("inspector", DEMO_PASSWORD)
    target = _user("inspector")
    assert api_as("admin").patch(f"/api/auth/users/{target.pk}/", {"is_active": False},
                                 format="json").json()["is_active"] is False
    assert session.get("/api/auth/me/").status_code == 401
    assert anon.post("/api/auth/login/", {"username": "inspector", "password": DEMO_PASSWORD},
                     format="json").status_code == 400
    assert api_as("admin").patch(f"/api/auth/users/{target.pk}/", {"is_active": True},
                                 format="json").status_code == 200
    _approve_pending(api_as, target)  # an inspector is re-activated with a lead's approval (issue 15)
    assert login_client("inspector", DEMO_PASSWORD).get("/api/auth/me/").status_code == 200


@pytest.mark.parametrize("change", [{"is_active": False}, {"role": "reviewer"}])
def test_admin_cannot_lock_themselves_out(api_as, demo, change):
    admin = _user("admin")
    response = api_as("admin").patch(f"/api/auth/users/{admin.pk}/", change, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "self_lockout"
    admin.refresh_from_db()
    assert admin.is_active and admin.role == "admin"


@pytest.mark.parametrize("body, field", [
    ({"role": "unit_head", "scope_unit_id": None}, "scope_unit_id"),
    ({"role": "god"}, "role"),
    ({"scope_unit_id": 987654}, "scope_unit_id"),
    ({"officer_id": 987654}, "officer_id"),
    ({"is_active": "perhaps"}, "is_active"),
    ({"language": "fr"}, "language"),
])
def test_bad_user_changes_are_clear_errors_and_change_nothing(api_as, demo, body, field):
    target = _user("discipline")
    before = (target.role, target.scope_unit_id, target.officer_id, target.is_active, target.language)
    response = api_as("admin").patch(f"/api/auth/users/{target.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"] and error["message_en"]
    assert field in error["fields"]
    target.refresh_from_db()
    assert (target.role, target.scope_unit_id, target.officer_id, target.is_active, target.language) == before


def test_an_officer_links_to_one_account_only(api_as, demo):
    lead = _user("lead")
    other = _user("discipline")
    assert lead.officer_id is not None
    response = api_as("admin").patch(f"/api/auth/users/{other.pk}/", {"officer_id": lead.officer_id}, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"] == {"officer_id": ["taken"]}


def test_admin_resets_a_password_and_the_old_sessions_end(api_as, demo):
    session = login_client("reviewer", DEMO_PASSWORD)  # a disciplinary officer's reset is a request (F-D)
    target = _user("reviewer")
    weak = api_as("admin").post(f"/api/auth/users/{target.pk}/password/", {"password": "12345678"}, format="json")
    assert weak.status_code == 400 and weak.json()["error"]["code"] == "weak_password"
    assert "password" in weak.json()["error"]["fields"]
    assert session.get("/api/auth/me/").status_code == 200  # nothing changed
    ok = api_as("admin").post(f"/api/auth/users/{target.pk}/password/", {"password": "Kỷ-luật-2026!"},
                              format="json")
    assert ok.status_code == 204
    assert session.get("/api/auth/me/").status_code == 401
    assert login_client("reviewer", "Kỷ-luật-2026!").get("/api/auth/me/").status_code == 200
    assert AuditEvent.objects.filter(verb="user.password").exists()


def test_a_user_changes_their_own_password_and_stays_signed_in(demo):
    session = login_client("reviewer", DEMO_PASSWORD)
    wrong = session.post("/api/auth/me/password/", {"old_password": "nope", "password": "Xem-lai-2026!"},
                         format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["fields"] == {"old_password": ["wrong"]}
    ok = session.post("/api/auth/me/password/", {"old_password": DEMO_PASSWORD, "password": "Xem-lai-2026!"},
                      format="json")
    assert ok.status_code == 204
    assert session.get("/api/auth/me/").status_code == 200
    assert _user("reviewer").check_password("Xem-lai-2026!")


@pytest.mark.parametrize("user", ["lead", "reviewer", "unithead", "discipline"])
def test_only_admins_change_accounts(api_as, demo, user):
    target = _user("inspector")
    client = api_as(user)
    assert client.get(f"/api/auth/users/{target.pk}/").status_code == 403
    assert client.patch(f"/api/auth/users/{target.pk}/", {"role": "admin"}, format="json").status_code == 403
    assert client.post(f"/api/auth/users/{target.pk}/password/", {"password": "Abcdef-12345"},
                       format="json").status_code == 403
    target.refresh_from_db()
    assert target.role == "inspector"


def test_service_accounts_are_not_user_accounts(api_as, demo):
    svc = User.objects.create(username="svc-integration", role="service")
    assert api_as("admin").patch(f"/api/auth/users/{svc.pk}/", {"role": "admin"}, format="json").status_code == 404


def test_admin_resets_others_passwords_only_and_creation_checks_strength_too(api_as, demo):
    admin = _user("admin")
    own = api_as("admin").post(f"/api/auth/users/{admin.pk}/password/", {"password": "Quan-tri-2026!"},
                               format="json")
    assert own.status_code == 400 and own.json()["error"]["code"] == "own_password"
    assert _user("admin").check_password(DEMO_PASSWORD)
    weak = api_as("admin").post("/api/auth/users/", {"username": "moi", "password": "12345678",
                                                     "role": "reviewer"}, format="json")
    assert weak.status_code == 400 and weak.json()["error"]["code"] == "weak_password"
    assert not User.objects.filter(username="moi").exists()
    blank = api_as("admin").post("/api/auth/users/", {"username": "moi", "role": "reviewer"}, format="json")
    assert blank.status_code == 400 and blank.json()["error"]["code"] == "required"


def test_changing_ones_own_password_is_throttled_like_the_login(demo, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    monkeypatch.setattr(ScopedRateThrottle, "cache", LocMemCache("throttle-test", {}))  # a clean history
    session = login_client("reviewer", DEMO_PASSWORD)
    codes = [session.post("/api/auth/me/password/", {"old_password": f"guess-{n}", "password": "Xem-lai-2026!"},
                          format="json").status_code for n in range(5)]
    assert codes == [400, 400, 400, 429, 429]
