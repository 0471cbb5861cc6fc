"""The projector starts at the end of the outbox as it is when this app is installed:
events written before it are history, not news (no inbox, no SMS for them)."""

from django.db import migrations


def cursor_at_outbox_end(apps, schema_editor):
    Event = apps.get_model("realtime", "Event")
    Cursor = apps.get_model("notifications", "ProjectorCursor")
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    Cursor.objects.get_or_create(name="notifications", defaults={"last_event_id": last})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("realtime", "0003_event_audience"),
    ]

    operations = [migrations.RunPython(cursor_at_outbox_end, migrations.RunPython.noop)]
