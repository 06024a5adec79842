"""Field mode (issue 16), the offline queue in Chromium at 390×844: a conflict that says what changed on
the server and lets the inspector re-apply their values (photos sent meanwhile on their own); a change
queued in one tab is never sent under the account another tab signed in with; a session that ended on the
server hides the check on the device and keeps the queued change for the same inspector."""
from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, SCREENSHOTS
from tests.e2e.test_field_mode import PHONE, _answer_all, _big_photo, _plan_check, _start, phone  # noqa: F401, F811

pytestmark = pytest.mark.e2e

CONFLICT_SHOT = "/tmp/queue16-conflict.png"


def _queue_rows(page: Any) -> dict[str, list[Any]]:
    return json.loads(page.evaluate("""async () => {
        const db = await new Promise(r => { const q = indexedDB.open('counterwatch-field'); q.onsuccess = () => r(q.result); });
        if (!Array.from(db.objectStoreNames).includes('queue')) { db.close(); return '[]'; }
        const rows = await new Promise(r => { const q = db.transaction('queue').objectStore('queue').getAll(); q.onsuccess = () => r(q.result); });
        const checks = await new Promise(r => { const q = db.transaction('checks').objectStore('checks').getAll(); q.onsuccess = () => r(q.result); });
        db.close();
        return JSON.stringify({queue: rows.map(i => ({userId: i.userId, kind: i.kind, checkId: i.checkId})), checks: checks.map(c => c.id),
                               checkOwners: checks.map(c => c.userId)});
    }"""))


def _me(page: Any, base: str) -> dict[str, Any]:
    return page.request.get(base + "/api/auth/me/").json()


def _block_report_puts(page: Any, check_id: str) -> None:
    """The report PUT does not get through (a weak network answering 503): the change stays queued."""
    def handle(route: Any) -> None:
        if route.request.method == "PUT":
            route.fulfill(status=503, content_type="application/json",
                          body=json.dumps({"error": {"code": "unavailable", "message": "Tạm thời không gửi được",
                                                     "message_en": "Unavailable", "fields": {}}}))
        else:
            route.continue_()
    page.route(f"**/api/inspection/checks/{check_id}/report/", handle)


def test_a_conflict_says_what_changed_and_the_inspector_reapplies_their_values(phone: Any, login: Any) -> None:  # noqa: F811 (the phone fixture)
    lead = phone("lead")
    inspector = login("inspector")
    inspector_me = _me(inspector.page, inspector.base)
    check = _plan_check(lead, [inspector_me["id"]])
    page = _start(lead, check)
    codes = [el.get_attribute("data-testid").removeprefix("criterion-")
             for el in page.locator("[data-testid^=criterion-]").all()]

    lead.context.set_offline(True)
    _answer_all(page, "Đạt")
    page.fill("textarea >> nth=-1", "TỔ TRƯỞNG: đơn vị chấp hành tốt.")
    page.click("[data-testid=report-save]")
    page.wait_for_selector("text=1 thay đổi chờ gửi")
    page.locator("[data-testid^=criterion-]").first.locator("input[type=file]").set_input_files(
        files=[{"name": "quay.jpg", "mimeType": "image/jpeg", "buffer": _big_photo()}])
    page.wait_for_selector("[data-testid=queue-count]:has-text('2 thay đổi chờ gửi')")
    # a photo of a criterion only the lead has graded: it must wait for the report change
    page.locator("[data-testid^=criterion-]").nth(2).locator("input[type=file]").set_input_files(
        files=[{"name": "so-thu-phi.jpg", "mimeType": "image/jpeg", "buffer": _big_photo()}])
    page.wait_for_selector("[data-testid=queue-count]:has-text('3 thay đổi chờ gửi')")

    # meanwhile the teammate on the network records a fail, with a note, on the second criterion
    csrf = next(c["value"] for c in inspector.context.cookies() if c["name"] == "csrftoken")
    url = inspector.base + f"/api/inspection/checks/{check['id']}/report/"
    server = inspector.page.request.get(url).json()
    amended = inspector.page.request.put(url, headers={"X-CSRFToken": csrf}, data={
        "results": [{"criterion": codes[0], "outcome": "pass", "note": ""},
                    {"criterion": codes[1], "outcome": "fail", "note": "Vắng mặt tại quầy lúc 09:40"}],
        "summary": "TỔ VIÊN: đề nghị chấn chỉnh niêm yết.", "version": server["version"]})
    assert amended.status == 200, amended.text()

    lead.context.set_offline(False)
    conflict = page.locator("[data-testid=sync-conflict]")
    conflict.wait_for(timeout=30_000)
    # the photo of a criterion the server has did not wait behind the conflicting report change; the other
    # says it waits for the conflict, and "Gửi ngay" (nothing it could send) is not offered
    page.wait_for_selector("[data-testid=queue-count]:has-text('2 thay đổi chờ gửi')", timeout=30_000)
    retry = page.locator("[data-testid=queue-retry]")
    retry.wait_for()
    assert "chờ xử lý xung đột" in retry.inner_text() and "chưa có kết quả" not in retry.inner_text()
    assert page.locator("[data-testid=queue-send-now]").count() == 0
    # the colleague's summary is shown next to the lead's, and both are kept unless the lead chooses
    summary = page.locator("[data-testid=conflict-summary]")
    assert "TỔ VIÊN: đề nghị chấn chỉnh niêm yết." in summary.locator("[data-testid=conflict-summary-theirs]").inner_text()
    assert "TỔ TRƯỞNG: đơn vị chấp hành tốt." in summary.locator("[data-testid=conflict-summary-mine]").inner_text()
    assert page.locator("[data-testid=conflict-summary-choice-both] input").is_checked()
    text = conflict.inner_text()
    assert inspector_me["full_name"] in text, text  # by whom
    assert f"Tiêu chí {codes[1]}" in text and "Vắng mặt tại quầy lúc 09:40" in text  # what
    assert "Không đạt" in text and "cả hai cùng sửa" in text
    assert "phiên bản" in text
    page.evaluate("window.scrollTo(0, 0)")
    lead.fits()
    # the conflict just under the phone's top bar, as the inspector sees it (390×844)
    page.evaluate("""() => { const el = document.querySelector('[data-testid=sync-conflict]');
        const bar = document.querySelector('.topbar') || document.querySelector('header');
        const h = bar ? bar.getBoundingClientRect().height : 64;
        window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - h - 8); }""")
    page.wait_for_timeout(300)
    page.screenshot(path=CONFLICT_SHOT)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONFLICT_SHOT, SCREENSHOTS / "field-8-conflict-detail-390.png")
    report = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/").json()
    assert len(report["evidence"]) == 1 and report["evidence"][0]["received_at"]

    # the lead re-applies their values on the current version: their pass on the second criterion wins,
    # by their choice, and the report is complete
    page.click("[data-testid=conflict-keep-mine]")
    page.wait_for_selector("[data-testid=sync-conflict]", state="detached", timeout=30_000)
    page.wait_for_selector("[data-testid=queue-count]", state="detached", timeout=30_000)
    page.wait_for_selector("[data-testid=queue-all-sent]")  # said, not left to trust
    now = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/").json()
    assert now["version"] > report["version"]
    assert {r["criterion"]: r["outcome"] for r in now["results"]} == {c: "pass" for c in codes}
    assert now["summary"] == "TỔ VIÊN: đề nghị chấn chỉnh niêm yết.\n\nTỔ TRƯỞNG: đơn vị chấp hành tốt."
    assert sorted(e["criterion"] for e in now["evidence"]) == sorted([codes[0], codes[2]])


def test_a_change_queued_in_one_tab_is_not_sent_under_the_account_another_tab_signs_in_with(phone: Any, login: Any) -> None:  # noqa: F811 (the phone fixture)
    lead = phone("lead")
    lead_me = _me(lead.page, lead.base)
    inspector = login("inspector")
    inspector_me = _me(inspector.page, inspector.base)
    check = _plan_check(lead, [inspector_me["id"]])  # the inspector may write this report too
    page = _start(lead, check)
    _block_report_puts(page, check["id"])
    _answer_all(page, "Đạt")
    page.click("[data-testid=report-save]")
    page.wait_for_selector("[data-testid=queue-count]:has-text('1 thay đổi chờ gửi')")
    assert [r["userId"] for r in _queue_rows(page)["queue"]] == [lead_me["id"]]

    # a second tab of the same browser: sign out (the queued change is given up), sign in as someone else
    tab = lead.context.new_page()
    tab.goto(lead.base + "/inspection/checks")
    tab.click("[data-testid=menu-toggle]")
    tab.click("[data-testid=phone-logout]")
    # the app's own question says what logging out gives up (it was the browser's window.confirm)
    question = tab.get_by_role("dialog", name="Đăng xuất")
    assert "Còn 1 thay đổi chưa gửi" in question.inner_text()
    question.get_by_test_id("confirm-ok").click()
    tab.wait_for_selector("input[name=username]")
    tab.fill("input[name=username]", "inspector")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_selector("[data-testid=menu-toggle]")
    assert _me(tab, lead.base)["username"] == "inspector"

    # the first tab's network comes back: nothing of the lead's goes out under the inspector's session
    page.unroute(f"**/api/inspection/checks/{check['id']}/report/")
    page.wait_for_timeout(9_000)  # more than the background sender's period and first retry wait
    rows = _queue_rows(tab)
    assert lead_me["id"] not in [r["userId"] for r in rows["queue"]], rows
    # nothing of the lead's is kept for the inspector (the inspector, on this check's team, keeps it as his own)
    assert lead_me["id"] not in rows["checkOwners"], rows
    # the first tab re-read who is signed in: it is no longer the lead's
    page.wait_for_function(f"""() => {{ const u = document.querySelector('.phone-menu-user');
        return !u || !u.textContent.includes({json.dumps(lead_me['full_name'])}); }}""", timeout=15_000)
    # on the server the report is as the lead left it before going offline: empty
    relog = phone("lead")
    report = relog.api("GET", f"/api/inspection/checks/{check['id']}/report/").json()
    assert report["results"] == [], report["results"]


def test_a_session_ended_on_the_server_hides_the_check_and_keeps_the_change_for_the_same_inspector(phone: Any) -> None:  # noqa: F811 (the phone fixture)
    lead = phone("lead")
    check = _plan_check(lead, [])
    page = _start(lead, check)
    _block_report_puts(page, check["id"])
    total = _answer_all(page, "Đạt")
    page.click("[data-testid=report-save]")
    page.wait_for_selector("[data-testid=queue-count]:has-text('1 thay đổi chờ gửi')")

    # the session ends on the server (expired, or ended from elsewhere); the next answer is a 401
    assert lead.api("POST", "/api/auth/logout/").status in (200, 204)
    page.unroute(f"**/api/inspection/checks/{check['id']}/report/")
    page.reload()
    page.wait_for_selector("input[name=username]")
    notice = page.locator("[data-testid=locked-queue]")
    notice.wait_for()
    assert "1 thay đổi chưa gửi" in notice.inner_text() and "đăng nhập lại" in notice.inner_text()
    lead.shot("field-9-session-ended-390")
    rows = _queue_rows(page)
    assert rows["checks"] == [] and len(rows["queue"]) == 1  # the check is gone from the device, the change kept
    # whoever holds the phone offline sees nothing of the check
    lead.context.set_offline(True)
    page.goto(lead.base + f"/inspection/checks/{check['id']}")
    page.wait_for_selector("input[name=username]")
    assert check["reference"] not in page.locator("body").inner_text()
    assert page.locator("[data-testid=kept-copy]").count() == 0
    lead.context.set_offline(False)

    # the same inspector signs in again: the change goes out under their account
    page.goto(lead.base + "/login")
    page.wait_for_selector("[data-testid=locked-queue]")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=menu-toggle]")
    for _ in range(60):  # the background sender runs every few seconds
        if not _queue_rows(page)["queue"]:
            break
        page.wait_for_timeout(500)
    assert _queue_rows(page)["queue"] == []
    report = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/").json()
    assert len(report["results"]) == total
