"""The brief shapes the accounts views answer with (a user's scope unit and linked officer, the times of
a sign-in, a pending approval), for the OpenAPI schema and the generated types (issue 17)."""
from __future__ import annotations

from rest_framework import serializers

from backend.accounts.models import TeamGrant


class ScopeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class LinkedOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    rank = serializers.CharField(allow_blank=True)
    service_number = serializers.CharField()


class SessionTimesSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField(help_text="When this sign-in ends on the server (the field app hides what "
                                                     "it kept offline after that)")
    server_time = serializers.DateTimeField(help_text="The server's clock when it answered")


class PendingApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TeamGrant.Kind.choices)
    role = serializers.CharField(allow_blank=True, help_text="The team role asked for (create, role), blank otherwise")
    requested_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
