"""The unit head answers a finding on his unit (giải trình, tự kiểm điểm): kept with the finding,
audited, refused in words when empty, and only for the head of that unit."""
from __future__ import annotations

import pytest

from backend.audit.models import AuditEvent
from inspection.models import Finding, FindingExplanation

TEXT = "Cán bộ tiếp nhận đi họp đột xuất, đơn vị chưa bố trí người trực thay; đã chấn chỉnh lịch trực."


def _finding(unit_code: str = "CAX-TC", state: str = "confirmed") -> Finding:
    finding = Finding.objects.filter(state=state, unit__code=unit_code).order_by("pk").first()
    assert finding is not None, f"the demo has a {state} finding in {unit_code}"
    return finding


@pytest.mark.django_db
def test_unit_head_explains_a_finding_on_his_unit(api_as, insp):
    finding = _finding()
    head = api_as("unithead")
    response = head.post(f"/api/inspection/findings/{finding.pk}/explanations/",
                         {"kind": "explanation", "text": TEXT}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(x["kind"], x["text"]) for x in body["explanations"]] == [("explanation", TEXT)]
    assert body["explanations"][0]["author"]["username"] == "unithead"
    # the detail read by others shows it too
    detail = api_as("lead").get(f"/api/inspection/findings/{finding.pk}/").json()
    assert [x["text"] for x in detail["explanations"]] == [TEXT]
    assert AuditEvent.objects.filter(verb="finding.explanation").count() == 1


@pytest.mark.django_db
def test_an_empty_or_token_explanation_is_refused_in_words_and_nothing_is_kept(api_as, insp):
    finding = _finding()
    response = api_as("unithead").post(f"/api/inspection/findings/{finding.pk}/explanations/",
                                       {"kind": "self_review", "text": "ok \u200b\u200b ....."}, format="json")
    assert response.status_code == 400, response.content
    assert "ít nhất 20 chữ cái hoặc chữ số" in response.json()["error"]["message"]  # not "20 chữ" (words?)
    assert not FindingExplanation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "text", "said"), [
    ("explanation", "ok ok ok ok ok ok ok ok ok ok ok", "chưa nói lên điều gì"),
    ("self_review", "a" * 25, "phải là một lý do thật"),
    ("explanation", "xin chào mọi người nhé, em gửi ạ", "chưa nói lên điều gì"),
])
def test_filler_is_not_an_explanation_nor_a_self_review(api_as, insp, kind, text, said):
    """User review (issue 15): twenty letters of filler were kept as the unit's giải trình and tự kiểm điểm,
    where every other reason of the product refuses them."""
    response = api_as("unithead").post(f"/api/inspection/findings/{_finding().pk}/explanations/",
                                       {"kind": kind, "text": text}, format="json")
    assert response.status_code == 400, response.content
    assert said in response.json()["error"]["message"]
    assert not FindingExplanation.objects.exists()


@pytest.mark.django_db
def test_only_the_unit_head_explains(api_as, insp):
    finding = _finding()
    response = api_as("lead").post(f"/api/inspection/findings/{finding.pk}/explanations/",
                                   {"kind": "explanation", "text": TEXT}, format="json")
    assert response.status_code == 403, response.content
    assert not FindingExplanation.objects.exists()


@pytest.mark.django_db
def test_a_finding_outside_the_head_unit_is_not_found(api_as, insp):
    from backend.org.models import Unit

    other = _finding()
    Finding.objects.filter(pk=other.pk).update(unit=Unit.objects.get(code="CAX-ND"))  # a commune he does not head
    response = api_as("unithead").post(f"/api/inspection/findings/{other.pk}/explanations/",
                                       {"kind": "explanation", "text": TEXT}, format="json")
    assert response.status_code == 404, response.content
    assert not FindingExplanation.objects.exists()


@pytest.mark.django_db
def test_blank_letters_repeats_and_control_characters_are_not_explanations(api_as, insp):
    """Insider review (issue 15): a run of U+3164 (a Hangul filler that draws nothing) was accepted as a
    giải trình, and a hundred identical self-reviews were all kept."""
    finding = _finding()
    head = api_as("unithead")
    url = f"/api/inspection/findings/{finding.pk}/explanations/"
    blank = head.post(url, {"kind": "explanation", "text": "\u3164" * 40}, format="json")
    # refused where typed text comes in (backend.core.params.PlainTextField): it shows nothing
    assert blank.status_code == 400 and "ký tự không hiển thị" in blank.json()["error"]["message"]
    assert head.post(url, {"kind": "explanation", "text": "\x1b[2J" + TEXT}, format="json").status_code == 201
    assert FindingExplanation.objects.get().text == "[2J" + TEXT  # the escape character is dropped
    again = head.post(url, {"kind": "explanation", "text": "\x1b[2J" + TEXT}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate"
    assert FindingExplanation.objects.count() == 1


@pytest.mark.django_db
def test_a_draft_cannot_be_moved_into_the_future(api_as, insp):
    """Insider review (issue 15): creating refused a future date, editing did not; a draft moved to 2027
    was confirmed and traced. An end in the future is refused too (empty while it goes on)."""
    # An instant (no end): with an end, "the end comes after the start" answers before "not in the future"
    # (ids are random, so "the first by id" is any of the demo's findings).
    draft = Finding.objects.filter(state="confirmed", unit__code="CAX-TC", occurred_to__isnull=True).order_by("pk").first()
    assert draft is not None, "the demo has a confirmed instant finding in CAX-TC"
    Finding.objects.filter(pk=draft.pk).update(state="draft", confirmed_at=None)
    draft.refresh_from_db()
    lead = api_as("lead")
    before = (draft.occurred_from, draft.occurred_to)
    moved = lead.patch(f"/api/inspection/findings/{draft.pk}/", {"occurred_from": "2099-06-01T08:00:00+07:00"},
                       format="json")
    assert moved.status_code == 400 and "tương lai" in moved.json()["error"]["message"]
    ends = lead.patch(f"/api/inspection/findings/{draft.pk}/", {"occurred_to": "2099-06-01T08:00:00+07:00"},
                      format="json")
    assert ends.status_code == 400 and "occurred_to" in ends.json()["error"]["fields"]
    draft.refresh_from_db()
    assert (draft.occurred_from, draft.occurred_to) == before


@pytest.mark.django_db
def test_the_trace_shows_the_units_explanation_to_whoever_decides_liability(api_as, insp):
    """Issue 15 (user 3): the disciplinary officer confirms or rejects the heads' liability on the trace
    page; the unit's giải trình is on that page, not only on the finding."""
    finding = _finding()
    trace = api_as("discipline").get(f"/api/accountability/findings/{finding.pk}/trace/")
    assert trace.status_code == 200 and trace.json()["explanations"] == []
    assert api_as("unithead").post(f"/api/inspection/findings/{finding.pk}/explanations/",
                                   {"kind": "self_review", "text": TEXT}, format="json").status_code == 201
    body = api_as("discipline").get(f"/api/accountability/findings/{finding.pk}/trace/").json()
    assert [(x["kind"], x["text"], x["author"]["username"]) for x in body["explanations"]] == [
        ("self_review", TEXT, "unithead")]


@pytest.mark.django_db
def test_drf_validation_texts_are_vietnamese_in_message_and_english_in_message_en(api_as, insp):
    """Issue 15 (adv 8): DRF's English texts ("Ensure this field has no more than 20000 characters.")
    sat inside the Vietnamese message, and its Vietnamese ones inside message_en."""
    finding = _finding()
    head = api_as("unithead")
    url = f"/api/inspection/findings/{finding.pk}/explanations/"
    err = head.post(url, {"kind": "apology", "text": TEXT}, format="json").json()["error"]
    assert err["message"] == "Dữ liệu không hợp lệ — kind: “apology” không phải là một lựa chọn hợp lệ."
    assert err["message_en"] == 'Invalid input — kind: "apology" is not a valid choice.'
    err = head.post(url, {"kind": "explanation", "text": "x" * 20001}, format="json").json()["error"]
    assert "Ensure" not in err["message"] and "Không được quá 20000 ký tự." in err["message"]
    assert err["message_en"].endswith("Ensure this field has no more than 20000 characters.")
    err = head.post(url, {"kind": "explanation", "text": ""}, format="json").json()["error"]
    assert err["message"] == "Dữ liệu không hợp lệ — text: Trường này không được bỏ trống."
    assert err["message_en"] == "Invalid input — text: This field may not be blank."
    err = head.post(url, [1, 2], format="json").json()["error"]
    assert "Expected" not in err["message"] and "cần một đối tượng" in err["message"]
    assert not FindingExplanation.objects.exists()
