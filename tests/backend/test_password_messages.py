"""Issue 15, insider review S3: a refused password was explained in English (Django's own words) on /activate
and wherever else a password is set. The reasons are Vietnamese first, English second, everywhere: the one
check (backend.accounts.passwords) answers for activation, the user's own change, an administrator's reset
and account creation."""
from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.accounts.services_activation import credentials_reset
from backend.core.actors import SystemActor
from backend.core.text import fold
from backend.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
ENGLISH = ("password", "This", "too short", "too common", "numeric", "characters")


def _error(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "weak_password"
    return error


def _all_vietnamese(error: dict[str, Any], *reasons: str) -> None:
    for text in (error["message"], *error["fields"]["password"]):
        assert not [w for w in ENGLISH if w in text], text
    for reason in reasons:
        assert reason in error["message"], error["message"]
        assert reason in error["fields"]["password"], error["fields"]
    assert error["message_en"].startswith("The password is too weak:")


def test_activation_explains_a_short_password_in_vietnamese(demo: Any) -> None:
    user = User.objects.get(username="reviewer")
    code, _ = credentials_reset(by=SystemActor("test"), user=user, grant=None)
    response = APIClient().post("/api/auth/activate/", {"username": "reviewer", "code": code, "password": "123"},
                                format="json")
    error = _error(response)
    _all_vietnamese(error, "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.", "Mật khẩu không được chỉ gồm chữ số.")
    assert "at least 8 characters" in error["message_en"]


def test_every_other_place_a_password_is_set_answers_in_vietnamese_too(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    target = User.objects.get(username="reviewer")  # a disciplinary officer gets no password from the admin (F-D)
    reset = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": "abc"}, format="json")
    _all_vietnamese(_error(reset), "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.")
    created = admin.post("/api/auth/users/", {"username": "moi", "password": "12345678", "role": "reviewer"},
                         format="json")
    _all_vietnamese(_error(created), "Mật khẩu này quá phổ biến, dễ bị đoán.", "Mật khẩu không được chỉ gồm chữ số.")
    own = api_as("discipline").post("/api/auth/me/password/", {"old_password": DEMO_PASSWORD, "password": "password"},
                                    format="json")
    _all_vietnamese(_error(own), "Mật khẩu này quá phổ biến, dễ bị đoán.")


def test_the_reasons_follow_the_validators_settings_and_their_parameters(settings: Any, demo: Any) -> None:
    from backend.accounts.passwords import password_problems

    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}}]
    from django.contrib.auth import password_validation

    password_validation.get_default_password_validators.cache_clear()  # type: ignore[attr-defined]
    try:
        vi, en = password_problems("reviewer1", User.objects.get(username="reviewer"))
    finally:
        password_validation.get_default_password_validators.cache_clear()  # type: ignore[attr-defined]
    assert vi == ["Mật khẩu quá giống thông tin của tài khoản (tên đăng nhập, họ tên hoặc thư điện tử).",
                  "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."]
    assert en[1] == "The password is too short: it needs at least 12 characters."


# --- issue 15, S2-2/S2-3: a password equal or like the username was accepted --------------------------------

SIMILAR = "Mật khẩu quá giống thông tin của tài khoản (tên đăng nhập, họ tên hoặc thư điện tử)."


def test_activation_refuses_the_username_as_password(demo: Any) -> None:
    user = User.objects.get(username="inspector")
    code, _ = credentials_reset(by=SystemActor("test"), user=user, grant=None)
    response = APIClient().post("/api/auth/activate/", {"username": "inspector", "code": code,
                                                        "password": "inspector"}, format="json")
    _all_vietnamese(_error(response), SIMILAR)
    user.refresh_from_db()
    assert not user.check_password("inspector")


def test_every_other_place_refuses_a_password_like_the_account(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    target = User.objects.get(username="reviewer")  # a disciplinary officer gets no password from the admin (F-D)
    reset = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": "Reviewer2026"}, format="json")
    _all_vietnamese(_error(reset), SIMILAR)
    created = admin.post("/api/auth/users/", {"username": "hoangmai", "password": "Hoangmai!9", "role": "reviewer"},
                         format="json")
    _all_vietnamese(_error(created), SIMILAR)
    # the name counts as well as the username, written without its diacritics too
    named = admin.post("/api/auth/users/", {"username": "hm01", "password": "Nguyenhoangmai", "role": "reviewer",
                                            "full_name": "Nguyễn Hoàng Mai"}, format="json")
    _all_vietnamese(_error(named), SIMILAR)
    own = api_as("reviewer").post("/api/auth/me/password/", {"old_password": DEMO_PASSWORD, "password": "reviewer1"},
                                  format="json")
    _all_vietnamese(_error(own), SIMILAR)
    # an unrelated strong password still passes
    ok = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": "Song-Lam-Xanh-47"}, format="json")
    assert ok.status_code in (200, 204), ok.content


def test_the_full_name_with_its_diacritics_is_refused_as_a_password(api_as: Any, demo: Any) -> None:
    """Insider re-check: the name was folded, the password not: "Võ Thanh Tùng 2026" was accepted for
    Võ Thanh Tùng (on /activate), "Ngô Thị Mai 1990" for Ngô Thị Mai (admin reset)."""
    user = User.objects.get(username="inspector")
    code, _ = credentials_reset(by=SystemActor("test"), user=user, grant=None)
    name = user.get_full_name()
    response = APIClient().post("/api/auth/activate/", {"username": "inspector", "code": code,
                                                        "password": f"{name} 2026"}, format="json")
    _all_vietnamese(_error(response), SIMILAR)
    reviewer = User.objects.get(username="reviewer")
    reset = api_as("admin").post(f"/api/auth/users/{reviewer.pk}/password/",
                                 {"password": f"{reviewer.get_full_name()} 1990"}, format="json")
    _all_vietnamese(_error(reset), SIMILAR)


@pytest.mark.parametrize("password", ["inspector-2026-11-30", "My.Inspector.Pass!", "xX-inspector-Xx-77"])
def test_a_password_holding_the_username_is_refused(demo: Any, password: str) -> None:
    """Insider re-check (issue 15, S2): Django's likeness is a ratio over the whole password, so the username
    with a date after it passed ("inspector-2026-11-30" is 0.62 like "inspector")."""
    user = User.objects.get(username="inspector")
    code, _ = credentials_reset(by=SystemActor("test"), user=user, grant=None)
    response = APIClient().post("/api/auth/activate/", {"username": "inspector", "code": code,
                                                        "password": password}, format="json")
    _all_vietnamese(_error(response), SIMILAR)
    user.refresh_from_db()
    assert not user.check_password(password)


def test_a_password_holding_the_name_run_together_is_refused(api_as: Any, demo: Any) -> None:
    reviewer = User.objects.get(username="reviewer")
    whole = fold(reviewer.get_full_name()).replace(" ", "")
    reset = api_as("admin").post(f"/api/auth/users/{reviewer.pk}/password/",
                                 {"password": f"#{whole.capitalize()}@2026-11-30"}, format="json")
    _all_vietnamese(_error(reset), SIMILAR)


@pytest.mark.parametrize("password", ["Nguyen@2026x", "Anvan@2026x", "Van@An2026x", "2026@Vanan", "Nvan2026@an",
                                      "Nguy3nV4n4n!", "ngvanan@2026X"])
def test_a_password_holding_a_part_of_the_name_is_refused(api_as: Any, demo: Any, password: str) -> None:
    """Insider re-check (issue 15, S2-4): for Nguyễn Văn An, the surname, parts of the name run together and a
    leet spelling of it were accepted."""
    admin = api_as("admin")
    created = admin.post("/api/auth/users/", {"username": "nva01", "password": "Song-Lam-Xanh-47", "role": "reviewer",
                                              "full_name": "Nguyễn Văn An"}, format="json")
    assert created.status_code == 201, created.content
    reset = admin.post(f"/api/auth/users/{created.json()['id']}/password/", {"password": password}, format="json")
    _all_vietnamese(_error(reset), SIMILAR)


@pytest.mark.parametrize("password", ["NguyenVanPhuc@2026", "Phuc.NguyenVan#99", "Nguyen@2026x"])
def test_the_linked_officers_name_counts_too(api_as: Any, demo: Any, password: str) -> None:
    """Insider re-check: an account linked to officer Nguyễn Văn Phúc, made with a username only, took his name as
    its password (only the account's own name fields were compared)."""
    from backend.org.models import Officer

    officer = Officer.objects.filter(user__isnull=True).first() or Officer.objects.first()
    assert officer is not None
    officer.full_name = "Nguyễn Văn Phúc"
    officer.save(update_fields=["full_name"])
    created = api_as("admin").post("/api/auth/users/", {"username": "phuc.nv", "password": password,
                                                        "role": "reviewer", "officer_id": officer.pk}, format="json")
    _all_vietnamese(_error(created), SIMILAR)


def test_the_linked_officers_name_backwards_and_one_as_l_are_refused(api_as: Any, demo: Any) -> None:
    """Last re-check: "nal9gnaoh#Q1" (Hoàng Lan backwards) passed for an account linked to officer Hoàng Thị Lan;
    "1ong#Nha2026" (1 for l) for Nguyễn Văn Long."""
    from backend.org.models import Officer

    officers = list(Officer.objects.filter(user__isnull=True)[:2])
    officers[0].full_name, officers[1].full_name = "Hoàng Thị Lan", "Nguyễn Văn Long"
    for officer in officers:
        officer.save(update_fields=["full_name"])
    admin = api_as("admin")
    for officer, password in ((officers[0], "nal9gnaoh#Q1"), (officers[1], "1ong#Nha2026")):
        created = admin.post("/api/auth/users/", {"username": f"acc{officer.pk}", "password": password,
                                                  "role": "reviewer", "officer_id": officer.pk}, format="json")
        _all_vietnamese(_error(created), SIMILAR)


def test_a_second_account_for_one_officer_is_refused_in_words(api_as: Any, demo: Any) -> None:
    """Last re-check: linking a second account to an officer answered 500 (the one-to-one link's IntegrityError)."""
    from backend.org.models import Officer

    officer = Officer.objects.filter(user__isnull=True).first()
    assert officer is not None
    admin = api_as("admin")
    first = admin.post("/api/auth/users/", {"username": "first.acc", "password": "Zebra#Quilt8812", "role": "reviewer",
                                            "officer_id": officer.pk}, format="json")
    assert first.status_code == 201, first.content
    second = admin.post("/api/auth/users/", {"username": "second.acc", "password": "Zebra#Quilt8812",
                                             "role": "reviewer", "officer_id": officer.pk}, format="json")
    assert second.status_code == 400, second.content
    assert second.json()["error"]["code"] == "officer_taken"


def test_an_account_made_for_an_officer_without_a_name_is_named_as_the_officer(api_as: Any, demo: Any) -> None:
    """User review: an account created from an officer with no full name given showed its username
    everywhere a name is printed (history, custody, the header)."""
    from backend.accounts.models import User
    from backend.org.models import Officer

    officer = Officer.objects.filter(user__isnull=True).first()
    assert officer is not None
    officer.full_name = "Trần Thị Mai"
    officer.save(update_fields=["full_name"])
    created = api_as("admin").post("/api/auth/users/", {"username": "mai.tt", "password": "Zebra#Quilt8812",
                                                        "role": "reviewer", "officer_id": officer.pk}, format="json")
    assert created.status_code == 201, created.content
    assert User.objects.get(username="mai.tt").get_full_name() == "Trần Thị Mai"
    named = api_as("admin").post("/api/auth/users/", {"username": "named.acc", "password": "Zebra#Quilt8812",
                                                      "role": "reviewer", "full_name": "Lê Văn Bình"}, format="json")
    assert named.status_code == 201, named.content
    assert User.objects.get(username="named.acc").get_full_name() == "Lê Văn Bình"
