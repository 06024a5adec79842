"""Bootstrap of the two-person rule (services_grants): approve, on the server, a request that nobody may
approve in the app (no active approver other than its requester and its target: services_grants.approver_roles,
a lead for the team's requests, a lead or another administrator for the others; e.g. the province's first
lead). Refused while such an approver exists. Audited as
`manage.py team_grant_approve (<os user>)`."""
from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import TeamGrant
from backend.accounts.services_grants import team_grant_approve, team_grants_expire
from backend.core.actors import SystemActor
from backend.core.errors import DomainError


class Command(BaseCommand):
    help = ("Approve on the server a pending request under the two-person rule (role, new account, re-activation, "
            "password or two-factor reset, officer link) when nobody else exists to approve it (a lead, or for an "
            "account outside the team another administrator). Without an id: list the pending ones.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("grant_id", nargs="?", type=int)
        parser.add_argument("--reason", default="", help="Why it is approved on the server (kept in the audit trail)")

    def handle(self, *args: Any, **options: Any) -> None:
        team_grants_expire()
        if options["grant_id"] is None:
            for g in TeamGrant.objects.filter(state=TeamGrant.State.PENDING).select_related("target"):
                self.stdout.write(f"{g.pk}\t{g.kind}\t{g.target.username}\t{g.role or '-'}\t"
                                  f"asked by {g.requested_label}\tuntil {g.expires_at:%Y-%m-%d %H:%M} UTC")
            return
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name in a container: the audit label says so
            user = "unknown"
        try:
            grant = team_grant_approve(by=SystemActor(f"manage.py team_grant_approve ({user})"),
                                       grant_id=options["grant_id"], reason=options["reason"])
        except DomainError as exc:
            raise CommandError(exc.message_en) from exc
        self.stdout.write(self.style.SUCCESS(f"Approved request {grant.pk} ({grant.kind}) for {grant.target.username}."))
        code = getattr(grant, "activation_code", "")
        if code:  # shown once: only its hash is kept
            self.stdout.write(f"One-time activation code (hand it to the person; until "
                              f"{grant.activation_expires_at:%Y-%m-%d %H:%M} UTC): {code}\n"
                              f"They set their own password at /activate (Kích hoạt tài khoản), then enrol two-factor.")
