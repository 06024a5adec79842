from typing import Any

from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"

    def ready(self) -> None:
        checks.register(check_two_factor_roles, checks.Tags.security)


def check_two_factor_roles(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """TWO_FACTOR_REQUIRED_ROLES names only sign-in roles: a typo would leave a role unprotected."""
    from django.conf import settings

    from backend.accounts.models import Role

    allowed = set(Role.values) - {Role.SERVICE}
    unknown = sorted(set(settings.TWO_FACTOR_REQUIRED_ROLES) - allowed)
    if unknown:
        return [checks.Error(f"TWO_FACTOR_REQUIRED_ROLES names unknown roles {unknown}; "
                             f"use some of {sorted(allowed)}.", id="accounts.E001")]
    return []
