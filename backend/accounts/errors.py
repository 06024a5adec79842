"""Sign-in errors raised from DRF authentication (kept out of authentication.py, which DRF imports
while rest_framework.views is still loading)."""
from __future__ import annotations

from rest_framework import exceptions

from backend.core.errors import DomainError


# DomainError.detail (structured facts) shadows APIException.detail, which these never use: the error
# handler answers a DomainError from its own fields.
class TwoFactorPending(DomainError, exceptions.APIException):  # type: ignore[misc]
    """The session's user still owes a code or an enrolment. An APIException too, so DRF treats
    the request as anonymous while it answers."""

    status = status_code = 403

    def __init__(self, state: str) -> None:
        if state == "enrolment_required":
            super().__init__("Vai trò của đồng chí bắt buộc xác thực hai lớp: hãy đăng ký thiết bị xác thực trước.",
                             "Your role requires two-factor sign-in: enrol an authenticator first.",
                             code="two_factor_enrolment_required")
        else:
            super().__init__("Cần nhập mã xác thực hai lớp để tiếp tục.",
                             "Enter your two-factor code to continue.", code="two_factor_required")


class HandoverLocked(DomainError, exceptions.APIException):  # type: ignore[misc]  # as above
    """The device is handed over to the inspected unit's representative: this session answers only the
    representative's signature step until the inspector takes it back with their password."""

    status = status_code = 403

    def __init__(self) -> None:
        super().__init__("Máy đang được trao cho đại diện đơn vị ký biên bản: chỉ dùng được bước ký. Tổ trưởng "
                         "nhập lại mật khẩu để lấy lại máy.",
                         "The device is handed over to the unit's representative for signing: only the signature "
                         "step works. The team lead re-enters their password to take it back.",
                         code="handover_locked")


class PasswordChangeRequired(DomainError, exceptions.APIException):  # type: ignore[misc]  # as above
    """The password was found like the person's name at sign-in (an officer linked after it was set, insider
    review F7): the session answers only the password change (and who is signed in) until it is changed."""

    status = status_code = 403

    def __init__(self) -> None:
        super().__init__("Mật khẩu của đồng chí giống họ tên của đồng chí (hoặc của cán bộ gắn với tài khoản): hãy đổi mật khẩu "
                         "trước khi tiếp tục.",
                         "Your password is like your name (or the linked officer's): change it before going on.",
                         code="password_change_required")
