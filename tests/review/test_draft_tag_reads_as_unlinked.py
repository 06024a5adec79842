"""F6 (S2): a reviewer's tag used as evidence for a DRAFT finding reads, to every reader outside the inspection team
(administrator, reviewer, disciplinary officer, unit head), exactly as the same tag unlinked: the same bytes from
every REST read of the tag, its clip, its custody (and export), the evidence and package lists, the moments, the
retention report and the audit listing, and nothing over the websocket, while the team links it, exports the draft's
package and plays the clip for the draft. Once the finding is confirmed, the link is read by them."""
from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils import timezone

from tests.review.test_consumer import subscribe, ws

pytestmark = pytest.mark.django_db(transaction=True)
OUTSIDERS = ("admin", "reviewer", "discipline", "unithead")


def _audit(client: Any) -> str:
    """The audit listing less the readers' own sign-ins and custody downloads (made by this test's reads, not by
    the team's work)."""
    body = client.get("/api/audit/events/?page_size=500").json()
    if "results" not in body:
        return json.dumps(body, ensure_ascii=False)
    return json.dumps([e for e in body["results"]
                       if e["verb"] != "auth.login" and not e["verb"].startswith("custody.")], ensure_ascii=False)


def _reads(api_as: Any, clip: Any, tag_id: int) -> dict[str, dict[str, str]]:
    urls = (f"/api/media/tags/{tag_id}/", f"/api/media/tags/?clip_id={clip.pk}",
            f"/api/media/tags/?clip_id={clip.pk}&include_deleted=1", f"/api/media/clips/{clip.pk}/",
            f"/api/media/clips/{clip.pk}/custody/?page_size=200", f"/api/media/clips/{clip.pk}/custody/export/?type=csv",
            f"/api/media/clips/{clip.pk}/events/", f"/api/media/clips/{clip.pk}/holds/", "/api/media/clips/",
            "/api/media/evidence/", "/api/media/evidence/packages/", "/api/media/retention/",
            f"/api/media/moments/?clip_id={clip.pk}")
    out: dict[str, dict[str, str]] = {}
    for who in OUTSIDERS:
        client = api_as(who)
        got = {url: f"{(r := client.get(url)).status_code} {r.content.decode('utf-8', 'replace')}" for url in urls}
        got["audit"] = _audit(client)
        out[who] = got
    return out


def _diff(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    return [f"{who} {url}" for who in before for url in before[who] if before[who][url] != after[who][url]]


def test_a_tag_linked_to_a_draft_reads_to_outsiders_as_the_unlinked_tag(api_as: Any, make_clip: Any,
                                                                        finding_for: Any, demo: Any) -> None:
    clip = make_clip()
    reviewer, lead = api_as("reviewer"), api_as("lead")
    tag = reviewer.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 1,
                                             "end_s": 5}, format="json").json()
    draft = finding_for(state="draft")
    before = _reads(api_as, clip, tag["id"])

    async def team_work_watched() -> list[Any]:
        watchers = [await ws(demo.users[who]) for who in ("admin", "reviewer")]
        for watcher in watchers:
            assert (await subscribe(watcher, f"clip:{clip.pk}"))["type"] == "subscribed"
            assert (await watcher.receive_json_from())["type"] == "presence"

        def work() -> None:
            linked = lead.post("/api/media/evidence/", {"finding_id": draft.pk, "tag_id": tag["id"]}, format="json")
            assert linked.status_code == 201, linked.content
            package = lead.post("/api/media/evidence/packages/", {"finding_id": draft.pk,
                                                                  "reason": "Chuẩn bị hồ sơ cho dự thảo kết luận"},
                                format="json")
            assert package.status_code == 202, package.content

        await database_sync_to_async(work)()
        heard = []
        for watcher in watchers:
            if not await watcher.receive_nothing(timeout=0.3):
                heard.append(await watcher.receive_json_from())
            await watcher.disconnect()
        return heard

    assert async_to_sync(team_work_watched)() == []  # nothing over the websocket
    after = _reads(api_as, clip, tag["id"])
    assert _diff(before, after) == []  # byte for byte, for every outsider

    # confirmed, the link is theirs to read (scope permitting)
    draft.state, draft.confirmed_at = "confirmed", timezone.now()
    draft.save(update_fields=["state", "confirmed_at"])
    evidence = api_as("reviewer").get(f"/api/media/tags/{tag['id']}/").json()["evidence"]
    assert [e["finding_id"] for e in evidence] == [draft.pk]
