"""What the inspection models share: the user model's name and the severity scale."""
from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class Severity(models.TextChoices):
    LESS_SERIOUS = "less_serious", "Ít nghiêm trọng"
    SERIOUS = "serious", "Nghiêm trọng"
    VERY_SERIOUS = "very_serious", "Rất nghiêm trọng"
    ESPECIALLY_SERIOUS = "especially_serious", "Đặc biệt nghiêm trọng"

    @classmethod
    def order(cls, value: str) -> int:
        """1 (less serious) .. 4 (especially serious)."""
        return _SEVERITY_ORDER[str(value)]

    @classmethod
    def english(cls, value: str) -> str:
        return _SEVERITY_EN[str(value)]


_SEVERITY_ORDER = {"less_serious": 1, "serious": 2, "very_serious": 3, "especially_serious": 4}
_SEVERITY_EN = {"less_serious": "less serious", "serious": "serious", "very_serious": "very serious",
                "especially_serious": "especially serious"}
