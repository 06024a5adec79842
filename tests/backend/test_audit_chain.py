import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backend.audit.models import AuditEvent
from backend.audit.services import audit_record, audit_verify_chain


@pytest.fixture
def chain(db):
    for i in range(5):
        audit_record(actor="test", verb="thing.do", object_type="thing", object_id=i, payload={"n": i, "ý": "đ"})


def test_intact_chain_verifies(chain, capsys):
    assert audit_verify_chain().ok
    call_command("audit_verify")
    assert "5 event(s) verified" in capsys.readouterr().out


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_edited_row_is_reported(chain):
    third = AuditEvent.objects.order_by("id")[2]
    _raw("UPDATE audit_auditevent SET payload = %s WHERE id = %s", ['{"n": 99}', third.id])
    report = audit_verify_chain()
    assert not report.ok and report.broken_at == third.id and "edited" in report.reason
    with pytest.raises(CommandError, match=f"event {third.id}"):
        call_command("audit_verify")


def test_deleted_row_is_reported(chain):
    events = list(AuditEvent.objects.order_by("id"))
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    report = audit_verify_chain()
    assert not report.ok and report.broken_at == events[2].id


def test_deleted_tail_is_reported(chain):
    last = AuditEvent.objects.order_by("id").last()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [last.id])
    report = audit_verify_chain()
    assert not report.ok and "deleted" in report.reason


def test_events_cannot_be_changed_through_the_orm(chain):
    event = AuditEvent.objects.first()
    event.verb = "x"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
