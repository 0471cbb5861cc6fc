"""How the projector reads the outbox: in bulk, once per event whatever happens (re-runs,
a rewound cursor), events that commit late, its own events skipped, and one live
"notification.new" per user per run with the unread count."""

import datetime as dt

from django.utils import timezone

from feedback import services
from notifications.models import Notification, ProjectorCursor
from notifications.projector import NEW_KIND, project_once, project_pending
from realtime.groups import user_group
from realtime.models import Event
from tests.events import capture_events
from tests.feedback.conftest import GRID
from tests.feedback.flows import closed, registered, reported
from tests.notifications.support import kinds, project


def test_running_again_or_from_the_start_of_the_outbox_notifies_nobody_twice(people, categories):
    # given a closed case, projected
    closed(people, categories)
    project()
    first = sorted(Notification.objects.values_list("user_id", "event_id", "kind"))
    # when it runs again, then again from the start of the outbox
    with capture_events() as events:
        project()
        ProjectorCursor.objects.update(last_event_id=0, recent_ids=[])
        project()
    # then nothing was added and no badge was told of anything new
    assert len(first) == 7
    assert sorted(Notification.objects.values_list("user_id", "event_id", "kind")) == first
    assert events == []


def test_each_user_gets_one_live_event_per_run_with_their_unread_count(people, categories):
    # given two steps of one case waiting in the outbox
    case = registered(people, categories)
    # when the projector runs
    with capture_events() as events:
        project()
    # then the reporter's page hears once, in their own group, with the count
    by_group = {tuple(e.audience): e for e in events}
    resident = by_group[(user_group(people["resident"].pk),)]
    worker = by_group[(user_group(people["worker"].pk),)]
    assert len(events) == 2
    assert (resident.kind, resident.payload, resident.area) == (NEW_KIND, {"unread": 1}, GRID)
    assert worker.payload == {"unread": 1}
    assert case.area_code == GRID


def test_the_projectors_own_events_are_not_projected_again(people, categories):
    reported(people, categories)
    project()
    announced = Event.objects.filter(kind=NEW_KIND).count()
    # when it runs again, its "notification.new" events are in the outbox after the cursor
    with capture_events() as events:
        run = project_once()
    assert announced == 1
    assert (run.events, run.notifications, events) == (0, 0, [])


def test_nothing_to_do_writes_nothing(people, categories):
    project()
    before = ProjectorCursor.objects.get().updated_at
    run = project_once()
    assert run.events == 0
    assert ProjectorCursor.objects.get().updated_at == before


def test_an_event_that_commits_after_a_later_one_is_still_projected(people, categories):
    # given two reports whose events have ids a < b, where a's transaction commits after
    # b's and after the projector has passed b
    first = reported(people, categories)
    reported(people, categories)
    late = Event.objects.get(kind="case.report", payload__case=first.pk)
    saved = {f.attname: getattr(late, f.attname) for f in Event._meta.concrete_fields}
    late.delete()  # not visible yet
    project()
    assert ProjectorCursor.objects.get().last_event_id > saved["id"]
    assert kinds(people["worker"]) == ["case.new_in_grid"]
    # when a's transaction commits, within REALTIME_LATE_COMMIT_SECONDS
    Event.objects.create(**saved)
    project()
    # then the next run picks it up, and the one after adds nothing
    assert kinds(people["worker"]) == ["case.new_in_grid", "case.new_in_grid"]
    project()
    assert Notification.objects.filter(user=people["worker"]).count() == 2


def test_an_event_older_than_the_late_commit_window_below_the_cursor_is_missed(
    people, categories, settings
):
    # the limit, stated: the window is how long a transaction may take to commit
    first = reported(people, categories)
    reported(people, categories)
    late = Event.objects.get(kind="case.report", payload__case=first.pk)
    saved = {f.attname: getattr(late, f.attname) for f in Event._meta.concrete_fields}
    late.delete()
    project()
    window = dt.timedelta(seconds=settings.REALTIME_LATE_COMMIT_SECONDS)
    Event.objects.create(**saved)
    Event.objects.filter(pk=saved["id"]).update(created_at=timezone.now() - 2 * window)
    project()
    assert kinds(people["worker"]) == ["case.new_in_grid"]


def test_a_big_backlog_is_read_in_batches(people, categories):
    for _ in range(3):
        reported(people, categories)
    run = project_pending(batch=2)
    assert (run.events, run.notifications) == (3, 3)
    assert kinds(people["worker"]) == ["case.new_in_grid"] * 3


def test_an_event_a_source_fails_on_is_skipped_and_the_rest_are_projected(
    people, categories, settings
):
    # given a second source with a bug that shows on withdrawals, and a withdrawn case
    # between two others
    settings.NOTIFICATION_SOURCES = [
        "feedback.notify.case_notifications",
        "tests.notifications.senders.failing_on_withdraw",
    ]
    reported(people, categories)
    withdrawn = reported(people, categories)
    services.case_withdraw(actor=people["resident"], case_id=withdrawn.pk)
    reported(people, categories)
    # when the projector runs
    run = project_pending()
    # then only the withdrawal was lost, and the cursor went past it
    assert kinds(people["worker"]) == ["case.new_in_grid"] * 3
    assert run.events == 4
    assert ProjectorCursor.objects.get().last_event_id == Event.objects.latest("pk").pk - 1
