"""The one error type of the vision package."""

from __future__ import annotations


class VisionError(Exception):
    """A file that cannot be analysed. `reason` is one short line meant for a person."""

    def __init__(self, reason: str) -> None:
        self.reason = " ".join(reason.split())  # always one line
        super().__init__(self.reason)
