from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac


class Role(models.TextChoices):
    INSPECTOR = "inspector", "Cán bộ kiểm tra"
    INSPECTION_LEAD = "inspection_lead", "Tổ trưởng tổ kiểm tra"
    REVIEWER = "reviewer", "Cán bộ xem xét hình ảnh"
    DISCIPLINARY = "disciplinary", "Cán bộ kỷ luật"
    UNIT_HEAD = "unit_head", "Thủ trưởng đơn vị"
    ADMIN = "admin", "Quản trị viên"
    SERVICE = "service", "Tài khoản thiết bị / tích hợp"


INSPECTION_TEAM = {Role.INSPECTOR, Role.INSPECTION_LEAD}
# Accounts with legal powers or secrets (issue 15, F-D): the team's secrets, the administrator's power over
# accounts, the disciplinary officer's decisions, the unit head's signature on the check minutes. Their
# credentials are never set by one person alone (backend.accounts.services_grants, the two-person rule).
GUARDED_ROLES = frozenset({*INSPECTION_TEAM, Role.ADMIN, Role.DISCIPLINARY, Role.UNIT_HEAD})
# Roles whose view is limited to their unit subtree. Other roles may still be given a scope unit.
ALWAYS_SCOPED = {Role.UNIT_HEAD}


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices)
    officer = models.OneToOneField("org.Officer", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="user")
    scope_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Root of the unit subtree this user may see; empty = whole province",
    )
    language = models.CharField(max_length=5, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")])
    session_generation = models.PositiveIntegerField(
        default=0, help_text="Raised to end every session of the user for good (deactivation, 2FA reset)")
    password_change_required = models.BooleanField(
        default=False, help_text="The password must be changed before the account may use the app: it was found like "
                                 "the person's name at sign-in (an officer linked after it was set: F7), or someone "
                                 "other than the holder set it (an administrator's reset or chosen password: F-D)")
    team_role_left_at = models.DateTimeField(
        null=True, blank=True, help_text="When the account last lost an inspection-team role (demotion): for "
                                         "TEAM_RECENT_DAYS it is still treated as a team member (services_grants)")
    guarded_role_left_at = models.DateTimeField(
        null=True, blank=True, help_text="When the account last went from a role with legal powers or secrets "
                                         "(GUARDED_ROLES) to one without: for TEAM_RECENT its credentials are still "
                                         "reset only under the two-person rule (services_grants, F-D)")

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="unit_head") | models.Q(scope_unit__isnull=False),
                name="unit_head_needs_scope",
            ),
        ]

    @property
    def is_inspection_team(self) -> bool:
        return self.role in INSPECTION_TEAM

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash (password-based) plus the session generation, so raising the
        generation invalidates every existing session, and lowering nothing can revive one.
        Generation 0 hashes exactly as Django does, so sessions from before this field survive."""
        value = self.password if not self.session_generation else f"{self.password}\x00{self.session_generation}"
        return salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", value,
                           secret=secret, algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """A token for a device or an integration. Only the SHA-256 of the key is stored."""

    class Kind(models.TextChoices):
        RATING_DEVICE = "rating_device", "Thiết bị đánh giá"
        MINIO_WEBHOOK = "minio_webhook", "MinIO webhook"
        CAMERA_UPLOADER = "camera_uploader", "Thiết bị tải video"
        INTEGRATION = "integration", "Tích hợp"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key_prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             help_text="Service account the token acts as")
    counter = models.ForeignKey("org.Counter", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="For rating devices: their counter")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class LoginFailures(models.Model):
    """Failed sign-in attempts (wrong password or wrong code) for one username, for the per-account
    lockout. Kept for names that match no account as well, so a lockout does not tell whether an
    account exists. The username is stored case-folded."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class TeamGrant(models.Model):
    """A change that gives a person powers or secrets (issue 15, the two-person rule): a role of GUARDED_ROLES
    given, such an account created or re-activated, its password or two-factor sign-in reset, its officer link
    changed, its unit scope or its full name changed (insider review S1-3, S1-4). Requested by an administrator, it takes effect only when a second person approves it (who:
    services_grants.approver_roles); until then nothing of it applies. The name stays TeamGrant: the rule
    began with the inspection team's accounts."""

    class Kind(models.TextChoices):
        CREATE = "create", "Tạo tài khoản"
        ROLE = "role", "Giao vai trò"
        ACTIVATE = "activate", "Mở lại tài khoản"
        PASSWORD = "password", "Đặt lại mật khẩu"
        TWO_FACTOR = "two_factor", "Đặt lại xác thực hai lớp"
        OFFICER = "officer", "Đổi cán bộ gắn với tài khoản"
        SCOPE = "scope", "Đổi đơn vị được xem"
        NAME = "name", "Đổi họ tên tài khoản"

    class State(models.TextChoices):
        PENDING = "pending", "Chờ phê duyệt"
        APPROVED = "approved", "Đã phê duyệt"
        REFUSED = "refused", "Bị từ chối"
        EXPIRED = "expired", "Hết hạn"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    target = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_grants")
    role = models.CharField(max_length=20, blank=True, help_text="The team role asked for (create, role)")
    officer = models.ForeignKey("org.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="The officer to link (officer); empty = remove the link")
    scope_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   help_text="The unit scope asked for (scope); empty = the whole province")
    full_name = models.CharField(max_length=300, blank=True, help_text="The account's new full name (name)")
    identity = models.JSONField(
        default=dict, blank=True, help_text="The look-alike accounts and officers found when it was asked (create, "
                                            "name) and the requester's reason that it is another person")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_label = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="The approver's (or the server operator's) reason")
    team = models.BooleanField(
        default=True, help_text="It touches the inspection team (a team role, or a team member now or within "
                                "TEAM_RECENT): only an inspection lead decides it; else another administrator or a lead")
    # set by team_grant_approve on the instance it returns (never stored): the one-time activation code
    activation_code: str = ""
    activation_expires_at: Any = None

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "kind"], condition=models.Q(state="pending"),
                                    name="one_pending_team_grant_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} ({self.state})"


class AccountActivation(models.Model):
    """A one-time activation code for an inspection-team account (issue 15): issued to the approving lead
    when a team grant gives or restores team powers, handed to the person, who signs in at the activation
    page with username + code and sets their own password. Only the code's hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activations")
    grant = models.ForeignKey(TeamGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code_hash = models.CharField(max_length=64)
    issued_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"activation {self.user_id} ({'used' if self.used_at else 'open'})"
