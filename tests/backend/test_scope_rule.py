"""A user's unit scope (backend.accounts.selectors.user_unit_ids / unit_in_scope, and the subtree it
rests on, backend.org.selectors.unit_subtree_ids) on a small factory-built tree. Fast enough to run
per mutant (see `make mutation`)."""
from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.accounts.models import Role
from backend.accounts.selectors import require_role, unit_in_scope, user_unit_ids
from backend.core.errors import Forbidden
from backend.org.models import UnitLink
from backend.org.selectors import unit_subtree_ids
from tests.inspection.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = UnitFactory(level="province")
    district = UnitFactory(level="district", parent=province)
    commune = UnitFactory(parent=district)
    grandchild = UnitFactory(parent=commune)
    sibling = UnitFactory(parent=province)
    # after the district level ended, a commune hangs under the province through a dated link only
    moved = UnitFactory()
    UnitLink.objects.create(unit=moved, parent=district, valid_from=date(2020, 1, 1), valid_to=date(2025, 2, 28))
    UnitLink.objects.create(unit=moved, parent=province, valid_from=date(2025, 3, 1))
    return {"province": province, "district": district, "commune": commune, "grandchild": grandchild,
            "sibling": sibling, "moved": moved}


def test_the_subtree_follows_parents_and_dated_links(tree):
    ids = lambda *names: {tree[n].pk for n in names}  # noqa: E731
    assert unit_subtree_ids(root_id=tree["district"].pk) == ids("district", "commune", "grandchild", "moved")
    assert unit_subtree_ids(root_id=tree["commune"].pk) == ids("commune", "grandchild")
    assert unit_subtree_ids(root_id=tree["grandchild"].pk) == ids("grandchild")
    assert unit_subtree_ids(root_id=tree["province"].pk) == set(ids(*tree))


def test_a_unit_head_sees_his_subtree_only(tree):
    head = UserFactory(role=Role.UNIT_HEAD, scope_unit=tree["commune"])
    assert user_unit_ids(head) == {tree["commune"].pk, tree["grandchild"].pk}
    assert unit_in_scope(head, tree["grandchild"].pk)
    assert not unit_in_scope(head, tree["district"].pk)
    assert not unit_in_scope(head, tree["sibling"].pk)
    assert not unit_in_scope(head, None)


def test_unscoped_roles_see_the_province_and_a_scope_narrows_any_role(tree):
    for role in (Role.ADMIN, Role.DISCIPLINARY, Role.REVIEWER, Role.INSPECTOR, Role.INSPECTION_LEAD):
        user = UserFactory(role=role)
        assert user_unit_ids(user) is None, role
        assert unit_in_scope(user, tree["sibling"].pk) and unit_in_scope(user, None)
    scoped = UserFactory(role=Role.REVIEWER, scope_unit=tree["district"])
    assert tree["sibling"].pk not in user_unit_ids(scoped)
    assert tree["moved"].pk in user_unit_ids(scoped)


def test_a_unit_head_without_a_scope_sees_nothing_and_so_do_services_and_strangers(tree):
    head = UserFactory(role=Role.UNIT_HEAD, scope_unit=tree["commune"])
    head.scope_unit = None  # (the database refuses it; the rule must not widen if it ever happens)
    head.__dict__.pop("_cw_unit_ids", None)
    assert user_unit_ids(head) == set()
    assert user_unit_ids(UserFactory(role=Role.SERVICE)) == set()
    assert user_unit_ids(UserFactory(role=Role.SERVICE, scope_unit=tree["province"])) == set()
    assert user_unit_ids(AnonymousUser()) == set()
    assert not unit_in_scope(AnonymousUser(), tree["commune"].pk)


def test_the_scope_is_computed_once_per_request_user(tree, django_assert_num_queries):
    head = UserFactory(role=Role.UNIT_HEAD, scope_unit=tree["commune"])
    first = user_unit_ids(head)
    with django_assert_num_queries(0):
        assert user_unit_ids(head) == first


def test_require_role_refuses_other_roles_inactive_users_and_strangers(tree):
    admin = UserFactory(role=Role.ADMIN)
    require_role(admin, Role.ADMIN)
    with pytest.raises(Forbidden):
        require_role(admin, Role.REVIEWER)
    with pytest.raises(Forbidden):
        require_role(UserFactory(role=Role.ADMIN, is_active=False), Role.ADMIN)
    with pytest.raises(Forbidden):
        require_role(AnonymousUser(), Role.ADMIN)
