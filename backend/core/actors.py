"""Who does something: the one owner of the `Actor` type.

A service's `by` is either a signed-in `User` or a named system actor: a command, the seed, a
worker ("system", "manage.py retention", "seed_province"). The audit log records the user (and
their username as the label) or, for a system actor, its name. Views pass the request's user:
behind the default `IsAuthenticated` permission it is a `User`, which `AuthedRequest` states for
the type checker.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NewType, TypeAlias

from rest_framework.request import Request

if TYPE_CHECKING:
    from backend.accounts.models import User

# A named system actor. A NewType of str: free at run time, and a bare string passed as `by` is a
# type error (say which system acted: SystemActor("manage.py retention")).
SystemActor = NewType("SystemActor", str)

SYSTEM = SystemActor("system")

Actor: TypeAlias = "User | SystemActor"


def actor_user(actor: Actor | None) -> User | None:
    """The user behind an actor, or None for a system actor (or nobody)."""
    if isinstance(actor, str) or actor is None:
        return None
    return actor if actor.pk and actor.is_authenticated else None


def actor_label(actor: Actor | None) -> str:
    """What the audit log shows as the actor: the username, or the system actor's name."""
    user = actor_user(actor)
    if user is not None:
        return user.get_username()
    return str(actor or SYSTEM)


class AuthedRequest(Request):
    """The request of a view behind the default `IsAuthenticated` permission: its user is a `User`.
    (DRF's stubs type `request.user` as `User | AnonymousUser`, true only of `AllowAny` views.)"""

    user: User  # type: ignore[assignment]  # narrows DRF's property; IsAuthenticated guarantees it
