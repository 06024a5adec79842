"""Field mode (issue 16) in Chromium with a phone viewport (390×844): a check run offline and synced
when the network is back, the conflict when the report changed on the server meanwhile, the unit's
representative signing on the spot, and nothing of a planned check in the browser's storage."""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.e2e.conftest import PASSWORD, SCREENSHOTS

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
POSITION = {"latitude": 18.679123, "longitude": 105.681456}

# Everything the page can reach of the browser's storage, as one string: every IndexedDB database and
# store, every Cache Storage entry (URL and, for text, body), localStorage and sessionStorage.
STORAGE_DUMP = """async () => {
  const out = {idb: {}, caches: {}, local: {}, session: {}};
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((res, rej) => { const r = indexedDB.open(info.name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const stores = {};
    for (const name of Array.from(db.objectStoreNames)) {
      stores[name] = await new Promise((res) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => res(r.result); r.onerror = () => res([]); });
    }
    db.close();
    out.idb[info.name] = stores;
  }
  if (self.caches) {
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      const entries = [];
      for (const req of await cache.keys()) {
        const resp = await cache.match(req);
        const type = (resp && resp.headers.get('content-type')) || '';
        entries.push({url: req.url, body: /json|text|javascript|html/.test(type) ? await resp.text() : ''});
      }
      out.caches[key] = entries;
    }
  }
  for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); out.local[k] = localStorage.getItem(k); }
  for (let i = 0; i < sessionStorage.length; i++) { const k = sessionStorage.key(i); out.session[k] = sessionStorage.getItem(k); }
  return JSON.stringify(out, (k, v) => (v instanceof Blob ? '[blob ' + v.size + ']' : v));
}"""


# Visible controls a finger must hit, smaller than 44 px in either direction.
TOO_SMALL = """() => Array.from(document.querySelectorAll(
    'button, a.btn, [role=radio], input:not([type=radio]):not([type=checkbox]):not([type=file]), select, textarea, label.file-btn, .nav-link'))
  .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && (r.height < 44 || r.width < 44); })
  .map(el => (el.getAttribute('data-testid') || el.textContent || el.tagName).trim().slice(0, 40) + ' '
             + Math.round(el.getBoundingClientRect().width) + 'x' + Math.round(el.getBoundingClientRect().height))"""


class Phone:
    """A signed-in phone: 390×844, touch, Vietnamese, Hanoi time, position allowed."""

    def __init__(self, browser: Any, base: str, username: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                           locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                           geolocation=POSITION, permissions=["geolocation"])
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(base + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("[data-testid=menu-toggle]")

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def api(self, method: str, path: str, data: Any = None) -> Any:
        csrf = next((c["value"] for c in self.context.cookies() if c["name"] == "csrftoken"), "")
        response = self.page.request.fetch(self.base + path, method=method, data=data,
                                           headers={"X-CSRFToken": csrf, "Accept": "application/json"})
        return response

    def fits(self) -> int:
        """No page wider than the phone."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:  # name what sticks out, so a failure says where to look
            wide = self.page.evaluate("""(w) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w && e.children.length === 0)
                .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent || '').slice(0, 60)}`)""",
                                      PHONE["width"])
            raise AssertionError(f"{self.page.url} is {width}px wide on a {PHONE['width']}px phone; past the edge: {wide}")
        return width

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def storage(self) -> str:
        return self.page.evaluate(STORAGE_DUMP)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phone(request: Any, browser: Any, live_url: str) -> Any:
    phones: list[Phone] = []

    def make(username: str) -> Phone:
        p = Phone(browser, live_url, username)
        phones.append(p)
        return p

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    errors = [e for p in phones for e in p.errors]
    for i, p in enumerate(phones):
        if failed:  # what the phone showed when the test broke
            p.shot(f"FAILED-{request.node.name}-phone{i}")
        p.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


_SLOTS = itertools.count()


def _plan_check(lead: Phone, team_ids: list[int]) -> dict[str, Any]:
    """A planned check of Công an xã Thanh Chương, made through the API as the lead, with `team_ids` or, when
    none is given, the demo team's inspector: a check team has at least two people (issue 15)."""
    if not team_ids:
        team = lead.api("GET", "/api/inspection/absences/team/").json()
        team_ids = [next(m["id"] for m in team if m["role"] == "inspector")]
    units = lead.api("GET", "/api/org/units/?search=CAX-TC").json()
    unit = next(u for u in (units["results"] if isinstance(units, dict) else units) if u["code"] == "CAX-TC")
    # each planned check in its own hours: nobody may be on two checks at once (the demo's own planned
    # checks take some hours too: a slot they hold is skipped)
    for _ in range(10):
        start = timezone.now() + timedelta(hours=1 + 3 * next(_SLOTS))
        response = lead.api("POST", "/api/inspection/checks/", {
            "mode": "dot_xuat", "unit_id": unit["id"], "window_start": start.isoformat(),
            "window_end": (start + timedelta(hours=2)).isoformat(), "team_ids": team_ids,
            "notes": "Kiểm tra đột xuất bộ phận một cửa (bí mật đến khi bắt đầu)."})
        if not (response.status == 409 and "double_booked" in response.text()):
            break
    assert response.status == 201, response.text()
    return response.json()


def _start(lead: Phone, check: dict[str, Any]) -> Any:
    page = lead.go(f"/inspection/checks/{check['id']}")
    page.click("[data-testid=check-start]")
    # the app's own question, in Vietnamese (not the browser's window.confirm)
    question = page.get_by_role("dialog", name="Bắt đầu kiểm tra tại chỗ")
    assert "đơn vị sẽ nhìn thấy cuộc kiểm tra" in question.inner_text()
    question.get_by_test_id("confirm-ok").click()
    page.wait_for_selector("[data-testid^=criterion-]")
    # the check, its report and criteria are kept on the phone, and the service worker controls the page
    # (the worker precaches the whole app before it takes control: on a busy machine, two journeys at once,
    # that took over 20 s; the wait is for a state, not a figure of speed)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=60_000)
    kept_js = f"""async () => {{
        const dbs = await indexedDB.databases();
        if (!dbs.some(d => d.name === 'counterwatch-field')) return false;
        const db = await new Promise(r => {{ const q = indexedDB.open('counterwatch-field'); q.onsuccess = () => r(q.result); }});
        const row = await new Promise(r => {{ const q = db.transaction('checks').objectStore('checks').get('{check['id']}'); q.onsuccess = () => r(q.result); }});
        db.close();
        return Boolean(row && row.report && row.criteria.length);
    }}"""
    deadline = time.monotonic() + 20  # page.evaluate awaits the promise; wait_for_function did not
    while not page.evaluate(kept_js):
        assert time.monotonic() < deadline, "the started check was not kept on the phone"
        time.sleep(0.2)
    return page


def _answer_all(page: Any, outcome: str = "Đạt") -> int:
    criteria = page.locator("[data-testid^=criterion-]")
    total = criteria.count()
    for i in range(total):
        criteria.nth(i).get_by_role("radio", name=outcome, exact=True).click()
    return total


def _big_photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2400, 1800), (200, 210, 225))
    draw = ImageDraw.Draw(image)
    for i in range(0, 2400, 60):
        draw.line([(i, 0), (2400 - i, 1800)], fill=(i % 255, 80, 160), width=7)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def _draw(page: Any, canvas: Any) -> None:
    """A signature drawn with the mouse (a finger on the phone)."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] * (0.3 + 0.4 * (step % 2)), steps=3)
    page.mouse.up()


def test_check_run_offline_with_a_photo_arrives_complete_and_both_sides_sign(phone: Any) -> None:
    lead = phone("lead")
    check = _plan_check(lead, [])

    page = lead.go("/inspection/checks")
    page.wait_for_selector("[data-testid=checks-table] tbody tr")
    lead.fits()
    # lists are cards on a phone: no header row, each cell labelled
    assert not page.locator("[data-testid=checks-table] thead").is_visible()
    lead.shot("field-1-check-list-390")

    # the whole card opens the check, not only its reference (tapped on the unit's name)
    row = page.locator("[data-testid=checks-table] tbody tr", has_text=check["reference"])
    cell = row.locator("td[data-label='Đơn vị']")
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**/inspection/checks/{check['id']}")
    crumb = page.locator(".breadcrumb a").bounding_box()
    assert crumb["height"] >= 44 and crumb["width"] >= 44, crumb

    page = _start(lead, check)
    lead.fits()

    # --- the network goes; the phone is even reloaded (the browser was killed) ---
    lead.context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-testid=kept-copy]")
    page.wait_for_selector("[data-testid=offline-banner]")
    total = _answer_all(page)
    page.fill("textarea >> nth=-1", "Đơn vị chấp hành tốt quy trình tiếp nhận hồ sơ.")
    page.click("[data-testid=report-save]")
    page.wait_for_selector("text=1 thay đổi chờ gửi")
    first = page.locator("[data-testid^=criterion-]").first
    original = _big_photo()
    first.locator("input[type=file]").set_input_files(
        files=[{"name": "quay-mot-cua.jpg", "mimeType": "image/jpeg", "buffer": original}])
    page.wait_for_selector("[data-testid=photo-queued]")
    page.wait_for_selector("[data-testid=queue-count]:has-text('2 thay đổi chờ gửi')")
    page.evaluate("window.scrollTo(0, 0)")
    lead.fits()
    small = page.evaluate(TOO_SMALL)
    assert not small, f"touch targets under 44 px on the report: {small}"
    page.set_viewport_size({"width": 360, "height": 780})  # the narrowest phones in use
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size(PHONE)
    lead.shot("field-2-report-offline-390")

    # --- the network is back: the queue empties by itself and the report is complete on the server ---
    lead.context.set_offline(False)
    page.wait_for_selector("[data-testid=queue-count]", state="detached", timeout=30_000)
    report = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/").json()
    assert len(report["results"]) == total and all(r["outcome"] == "pass" for r in report["results"])
    assert report["summary"] == "Đơn vị chấp hành tốt quy trình tiếp nhận hồ sơ."
    assert len(report["evidence"]) == 1
    photo = report["evidence"][0]
    assert photo["filename"] == "quay-mot-cua.jpg" and photo["criterion"] == report["results"][0]["criterion"]
    assert photo["size"] < len(original)  # resized on the phone
    declared = photo["device_declared"]  # the phone's time and place, as the phone declared them
    assert declared["captured_at"] and abs(float(declared["latitude"]) - POSITION["latitude"]) < 1e-5
    stored = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/evidence/{photo['id']}/")
    assert hashlib.sha256(stored.body()).hexdigest() == photo["sha256"]  # what the phone hashed is what is kept
    page.wait_for_selector("text=quay-mot-cua.jpg")

    # --- sign-off on the spot: the lead (with his drawn signature), then the unit's representative on the
    # lead's phone handed over: the hand-over screen shows the signature step and nothing else ---
    page.click("[data-testid=check-complete]")
    page.get_by_role("dialog").locator("[data-testid=confirm-ok]").click()  # ending asks first (issue 15)
    page.wait_for_selector("[data-testid=check-sign]")
    page.click("[data-testid=check-sign]")
    close = page.locator(".modal-head .icon-btn").bounding_box()
    assert close["width"] >= 44 and close["height"] >= 44, close
    _draw(page, page.locator(".modal [data-testid=signature-canvas]"))
    page.click("[data-testid=lead-sign-submit]")
    page.wait_for_selector("[data-testid=handover-card]")
    lead_signed = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/?version=original").json()
    assert lead_signed["content"]["lead"]["signature_sha256"] and lead_signed["content"]["lead"]["name"]
    page.click("[data-testid=handover-start]")
    page.wait_for_url("**/handover")
    page.wait_for_selector("[data-testid=rep-signoff]")
    # nothing else of the app: no menu, no navigation, and the server refuses the rest to this session
    assert page.locator("[data-testid=menu-toggle]").count() == 0 and page.locator("nav").count() == 0
    refused = lead.api("GET", "/api/inspection/checks/")
    assert refused.status == 403 and refused.json()["error"]["code"] == "handover_locked"
    page.goto(lead.base + "/inspection/checks")  # typing another address shows the hand-over screen again
    page.wait_for_selector("[data-testid=rep-signoff]")
    assert page.locator("[data-testid=checks-table]").count() == 0 and check["reference"] in page.inner_text("body")
    page.fill("[data-testid=rep-opinion]", "Đơn vị thống nhất với kết quả kiểm tra.")
    page.fill("[data-testid=rep-name]", "Trần Minh Đức")
    page.fill("[data-testid=rep-post]", "Trưởng Công an xã")
    _draw(page, page.locator("[data-testid=signature-canvas]"))
    page.wait_for_selector("[data-testid=rep-signoff] .field-hint", state="detached")
    lead.fits()
    assert not page.evaluate(TOO_SMALL), page.evaluate(TOO_SMALL)
    page.evaluate("window.scrollTo(0, 0)")
    lead.shot("field-3-handover-signature-step-390")
    page.screenshot(path="/tmp/sign16-handover-full.png", full_page=True)
    page.screenshot(path="/tmp/sign16-handover.png")  # the 390×844 screen as the representative sees it
    page.click("[data-testid=rep-submit]")
    page.wait_for_selector("[data-testid=handover-done]")
    assert "Trần Minh Đức" in page.locator("[data-testid=handover-done]").inner_text()
    assert "tự khai" in page.locator("[data-testid=handover-done]").inner_text()

    # the lead takes the phone back with his password (a wrong one keeps it locked)
    page.click("[data-testid=handover-exit]")
    page.fill("[data-testid=handover-password]", "khong-dung-mat-khau")
    page.click("[data-testid=handover-exit-submit]")
    page.wait_for_selector(".modal .inline-error")
    refusal = page.locator(".modal .inline-error").inner_text()
    assert "Sai mật khẩu" in refusal and "tên đăng nhập" not in refusal, refusal  # only a password was asked
    assert lead.api("GET", "/api/inspection/checks/").status == 403
    page.fill("[data-testid=handover-password]", PASSWORD)
    page.click("[data-testid=handover-exit-submit]")
    page.wait_for_url(f"**/inspection/checks/{check['id']}")
    page.wait_for_selector("[data-testid=rep-signed]")
    assert "Trần Minh Đức" in page.locator("[data-testid=rep-signed]").inner_text()
    # the seal code is right after its label, not after the representative's lines
    seal = page.locator("[data-testid=seal]").inner_text()
    assert "Mã niêm phong:" in seal and re.search(r"Mã niêm phong:\s*[0-9a-f]{64}", seal), seal
    lead.fits()
    lead.shot("field-4-signed-both-sides-390")
    signed = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/").json()
    assert signed["representative"]["method"] == "drawn" and signed["lead_content_hash"] != signed["content_hash"]
    assert signed["representative"]["identity"] == "declared"
    original_version = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/?version=original").json()
    assert original_version["content"]["unit_representative"]["opinion"] == "Đơn vị thống nhất với kết quả kiểm tra."

    # --- the top bar folds into a menu; logout there clears the phone ---
    page.evaluate("window.scrollTo(0, 0)")
    page.click("[data-testid=menu-toggle]")
    page.wait_for_selector("[data-testid=phone-menu]")
    lead.fits()
    assert not page.evaluate(TOO_SMALL)
    page.screenshot(path=str(SCREENSHOTS / "field-6-menu-390.png"))
    page.click("[data-testid=phone-logout]")
    page.wait_for_selector("input[name=username]")
    assert check["id"] not in lead.storage()


def test_report_changed_on_the_server_meanwhile_shows_the_conflict(phone: Any, login: Any) -> None:
    lead = phone("lead")
    inspector = login("inspector")
    # the inspector lands on "what needs me today" (issue 15); the check he is put on appears there
    inspector.page.wait_for_url(inspector.base + "/")
    inspector.page.get_by_role("heading", name="Việc cần làm hôm nay").wait_for()
    inspector_id = inspector.page.request.get(inspector.base + "/api/auth/me/").json()["id"]
    check = _plan_check(lead, [inspector_id])
    inspector.page.reload()
    inspector.page.locator(f"[data-testid=home-card-team_checks] a[href='/inspection/checks/{check['id']}']").wait_for()
    assert int(inspector.page.locator("[data-testid=home-count-team_checks] .stat-value").inner_text()) >= 1
    inspector.shot("inspection-inspector-home")
    page = _start(lead, check)

    lead.context.set_offline(True)
    _answer_all(page, "Đạt")
    page.click("[data-testid=report-save]")
    page.wait_for_selector("text=1 thay đổi chờ gửi")

    # meanwhile a teammate on the network records a fail on the first criterion
    csrf = next(c["value"] for c in inspector.context.cookies() if c["name"] == "csrftoken")
    server = inspector.page.request.get(inspector.base + f"/api/inspection/checks/{check['id']}/report/").json()
    code = page.locator("[data-testid^=criterion-]").first.get_attribute("data-testid").removeprefix("criterion-")
    amended = inspector.page.request.put(
        inspector.base + f"/api/inspection/checks/{check['id']}/report/", headers={"X-CSRFToken": csrf},
        data={"results": [{"criterion": code, "outcome": "fail", "note": "Vắng mặt tại quầy lúc 09:40"}],
              "version": server["version"]})
    assert amended.status == 200, amended.text()

    lead.context.set_offline(False)
    conflict = page.locator("[data-testid=sync-conflict]")
    conflict.wait_for(timeout=30_000)
    text = conflict.inner_text()
    assert "Xung đột" in text and "đã được thay đổi trên máy chủ" in text
    page.evaluate("window.scrollTo(0, 0)")
    lead.fits()
    lead.shot("field-5-conflict-390")
    # the last write did not silently win: the teammate's fail stands, the lead's answers wait
    now = lead.api("GET", f"/api/inspection/checks/{check['id']}/report/").json()
    assert [r["outcome"] for r in now["results"] if r["criterion"] == code] == ["fail"]
    assert len(now["results"]) == 1
    assert "1 thay đổi chờ gửi" in page.locator("[data-testid=queue-count]").inner_text()

    # the lead drops their copy and takes the server's: the page shows the teammate's fail
    page.click("[data-testid=conflict-take-server]")
    page.wait_for_selector("[data-testid=sync-conflict]", state="detached")
    first = page.locator("[data-testid^=criterion-]").first
    first.locator("[role=radio][aria-checked=true]", has_text="Không đạt").wait_for()
    assert first.locator("[role=radio][aria-checked=true]").count() == 1
    assert page.locator("[data-testid=queue-count]").count() == 0


def test_no_planned_check_data_in_browser_storage_before_it_starts(phone: Any) -> None:
    lead = phone("lead")
    check = _plan_check(lead, [])
    secrets = [check["id"], check["reference"]]

    page = lead.go("/inspection/checks")
    page.wait_for_selector(f"text={check['reference']}")
    page.click(f"text={check['reference']}")
    page.wait_for_selector("[data-testid=check-start]")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=60_000)
    page.reload()  # under the service worker's control this time: any API answer it cached would show
    page.wait_for_selector("[data-testid=check-start]")
    page.wait_for_timeout(500)
    dump = lead.storage()
    data = json.loads(dump)
    assert data["caches"], "the service worker precached the app shell (the probe sees Cache Storage)"
    cached_urls = [e["url"] for entries in data["caches"].values() for e in entries]
    assert not [u for u in cached_urls if "/api/" in u], cached_urls
    for secret in secrets:
        assert secret not in dump, f"{secret} of a planned check is in the browser's storage"
    # the list keeps the team's STARTED checks on the phone (other checks of the same unit may be among
    # them); nothing else of the unit, and never a planned check
    field = data["idb"].get("counterwatch-field", {})
    kept = field.get("checks", [])
    assert all(k["check"]["state"] in ("in_progress", "completed") for k in kept), [k["check"]["state"] for k in kept]
    rest = {name: stores for name, stores in data["idb"].items() if name != "counterwatch-field"}
    rest["counterwatch-field"] = {name: rows for name, rows in field.items() if name != "checks"}
    assert not re.search(r"CAX-TC|Thanh Chương", json.dumps(rest) + json.dumps(data["local"]), re.I)

    # the probe can fail: once the check is started the phone does keep it
    _start(lead, check)
    assert check["id"] in lead.storage()


@pytest.mark.parametrize("path", ["/inspection/risk", "/inspection/draws", "/inspection/calendar",
                                  "/inspection/checks", "/inspection/findings"])
def test_every_page_of_the_inspection_workspace_fits_a_phone(phone: Any, path: str) -> None:
    lead = phone("lead")
    if path == "/inspection/draws":
        # the draws page's absences table, with the long reason a lead reads (the page overflowed a phone once
        # an absence was recorded, in the full suite's order only)
        team = lead.api("GET", "/api/inspection/absences/team/").json()
        inspector = next(u for u in team if u["username"] == "inspector")
        today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        recorded = lead.api("POST", "/api/inspection/absences/", {
            "user": inspector["id"], "kind": "illness", "start": str(today + timedelta(days=20)),
            "end": str(today + timedelta(days=22)),
            "reason": "Điều trị sốt xuất huyết tại bệnh viện huyện, theo giấy ra viện của bệnh viện"})
        assert recorded.status in (200, 201), recorded.text()
    page = lead.go(path)
    page.wait_for_selector("h1")
    page.wait_for_load_state("networkidle")
    lead.fits()
    page.set_viewport_size({"width": 360, "height": 780})
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    if path == "/inspection/calendar":  # ‹ month › on one row, not full-width stacked; today marked (issue 15)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(200)
        boxes = [page.locator(f"[data-testid={k}]").bounding_box() for k in ("cal-prev", "cal-month", "cal-next")]
        centres = [b["y"] + b["height"] / 2 for b in boxes]
        assert max(centres) - min(centres) < 4, boxes
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"] and boxes[0]["width"] < 80 and boxes[2]["width"] < 80, boxes
        assert page.locator(".calendar [aria-current=date]").count() == 1
        lead.shot("field-8-calendar-390")
    if path in ("/inspection/checks", "/inspection/findings"):  # the lists a team works from on site: cards
        page.set_viewport_size(PHONE)
        table = page.locator("table.table-cards")
        table.locator("tbody tr").first.wait_for()
        assert not table.locator("thead").is_visible()
        if path == "/inspection/findings":
            page.evaluate("window.scrollTo(0, 0)")
            lead.shot("field-7-findings-cards-390")


def test_a_started_check_of_my_team_opens_offline_without_having_been_opened(phone: Any) -> None:
    """Phone review of issue 16, finding 1: the inspector looked at the list in the office (the lead had
    started the check), never opened the check, and drives to the commune with no signal."""
    lead = phone("lead")
    inspector = phone("inspector")
    inspector_id = inspector.api("GET", "/api/auth/me/").json()["id"]
    check = _plan_check(lead, [inspector_id])
    assert lead.api("POST", f"/api/inspection/checks/{check['id']}/start/", {}).status == 200

    page = inspector.go("/inspection/checks")
    page.wait_for_selector(f"text={check['reference']}")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=60_000)
    # page.evaluate awaits the promise (wait_for_function took an async function's promise as "true" at once)
    kept_js = f"""async () => {{
        const db = await new Promise(r => {{ const q = indexedDB.open('counterwatch-field'); q.onsuccess = () => r(q.result); }});
        if (!Array.from(db.objectStoreNames).includes('checks')) {{ db.close(); return false; }}
        const row = await new Promise(r => {{ const q = db.transaction('checks').objectStore('checks').get('{check['id']}'); q.onsuccess = () => r(q.result); }});
        db.close();
        return Boolean(row && row.report && row.criteria.length);
    }}"""
    deadline = time.monotonic() + 20
    while not page.evaluate(kept_js):
        assert time.monotonic() < deadline, "the started check was not kept on the device"
        time.sleep(0.2)

    inspector.context.set_offline(True)
    page.reload()
    kept = page.locator("[data-testid=kept-checks]")
    kept.get_by_text(check["reference"]).wait_for()
    kept.get_by_text(check["reference"]).click()
    page.wait_for_selector("[data-testid=kept-copy]")
    assert page.locator("[data-testid^=criterion-]").count() > 0
