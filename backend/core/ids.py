"""Ids of rows that may exist while secret: random, not sequential.

A sequential id (AutoField) counts every row of its table: a gap between two ids a reader may see shows
that a row he may not see exists (a draft finding, its evidence, a package built for it), and roughly when
it was made (issue 15, insider review S2). Such tables take their id from `random_id` when the row is made:
an integer like any other id (the API's shape, URLs and the frontend's types are unchanged), in
[2**32, 2**53): above every id a sequence handed out before (rows made before keep theirs), and within
JavaScript's safe integers (Number.MAX_SAFE_INTEGER), so the browser reads it exactly. Two rows drawing
the same id is a chance of about one in 9·10^15 per row made: the primary key refuses it (no silent overwrite)."""
from __future__ import annotations

import secrets

from django.db import models

RANDOM_ID_MIN = 2**32
RANDOM_ID_MAX = 2**53 - 1


def random_id() -> int:
    return RANDOM_ID_MIN + secrets.randbelow(RANDOM_ID_MAX - RANDOM_ID_MIN + 1)


def RandomIdField() -> models.BigIntegerField:  # noqa: N802 - used like a field class in model bodies
    """The primary key of a table whose rows may be secret: see the module's text."""
    return models.BigIntegerField(primary_key=True, default=random_id, editable=False, verbose_name="ID")
