"""Sign-in errors raised from DRF authentication (kept out of authentication.py, which DRF imports
while rest_framework.views is still loading)."""
from __future__ import annotations

from rest_framework import exceptions

from backend.core.errors import DomainError


class TwoFactorPending(DomainError, exceptions.APIException):
    """The session's user still owes a code or an enrolment. An APIException too, so DRF treats
    the request as anonymous while it answers."""

    status = status_code = 403

    def __init__(self, state: str) -> None:
        if state == "enrolment_required":
            super().__init__("Vai trò của bạn bắt buộc xác thực hai lớp: hãy đăng ký thiết bị xác thực trước.",
                             "Your role requires two-factor sign-in: enrol an authenticator first.",
                             code="two_factor_enrolment_required")
        else:
            super().__init__("Cần nhập mã xác thực hai lớp để tiếp tục.",
                             "Enter your two-factor code to continue.", code="two_factor_required")
