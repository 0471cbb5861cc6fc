"""Adding, moderating and voting on statements; computing the map."""

import uuid

import pytest

from common.errors import Conflict, InvalidInput, NotFound, NotPermitted
from consultation.models import Phase
from opinions import selectors, services
from opinions.compute import compute_due, compute_topic, topics_due
from opinions.models import Choice, Moderation, OpinionMembership, StatementVote
from realtime.models import Event
from tests.factories import user_with_role
from tests.opinions.conftest import GRID, resident_of

pytestmark = pytest.mark.django_db


def test_a_moderators_statement_is_accepted_and_a_residents_waits(seeded):
    # given the clerk's and a resident's statements (the seeded fixture)
    # then
    assert all(s.state == Moderation.ACCEPTED for s in seeded["accepted"])
    assert seeded["pending"].state == Moderation.PENDING


def test_a_pending_statement_is_seen_only_by_its_author_and_moderators(seeded, cast, topic):
    pending = seeded["pending"]
    assert pending in selectors.statement_list(cast["resident"], topic)
    assert pending in selectors.statement_list(cast["clerk"], topic)
    assert pending in selectors.statement_list(cast["supervisor"], topic)
    for other in ("resident_next_grid", "grid_worker"):
        seen = selectors.statement_list(cast[other], topic)
        assert pending not in seen
        assert len(seen) == 2


def test_a_rejection_needs_a_reason_and_the_author_sees_it(seeded, cast, topic):
    pending = seeded["pending"]
    with pytest.raises(InvalidInput):
        services.statement_moderate(actor=cast["clerk"], statement_id=pending.pk, accept=False)
    services.statement_moderate(
        actor=cast["clerk"], statement_id=pending.pk, accept=False, reason="与议题无关"
    )
    mine = selectors.statement_list(cast["resident"], topic).get(pk=pending.pk)
    assert (mine.state, mine.reason) == (Moderation.REJECTED, "与议题无关")
    assert pending not in selectors.statement_list(cast["resident_next_grid"], topic)
    with pytest.raises(Conflict):
        services.statement_moderate(actor=cast["clerk"], statement_id=pending.pk, accept=True)


def test_only_the_topics_managers_moderate(seeded, cast):
    pending = seeded["pending"]
    # its author may see it but not decide; for everyone else it does not exist
    with pytest.raises(NotPermitted):
        services.statement_moderate(actor=cast["resident"], statement_id=pending.pk, accept=True)
    for who in ("grid_worker", "clerk_next_community", "supervisor_next_street"):
        with pytest.raises(NotFound):
            services.statement_moderate(actor=cast[who], statement_id=pending.pk, accept=True)
    services.statement_moderate(actor=cast["supervisor"], statement_id=pending.pk, accept=True)
    pending.refresh_from_db()
    assert pending.state == Moderation.ACCEPTED


def test_the_queue_holds_the_pending_statements_of_managed_topics(seeded, cast):
    assert list(selectors.moderation_queue(cast["clerk"])) == [seeded["pending"]]
    assert list(selectors.moderation_queue(cast["clerk_next_community"])) == []
    assert list(selectors.moderation_queue(cast["resident"])) == []


def test_a_vote_can_be_changed_and_stays_one_row(seeded, cast):
    statement = seeded["accepted"][0]
    services.statement_vote(actor=cast["resident"], statement_id=statement.pk, choice=1)
    services.statement_vote(actor=cast["resident"], statement_id=statement.pk, choice=-1)
    services.statement_vote(actor=cast["resident"], statement_id=statement.pk, choice=-1)
    votes = StatementVote.objects.filter(statement=statement)
    assert [(v.participant_id, v.choice) for v in votes] == [(cast["resident"].pk, -1)]


def test_a_bad_choice_is_refused(seeded, cast):
    with pytest.raises(InvalidInput):
        services.statement_vote(
            actor=cast["resident"], statement_id=seeded["accepted"][0].pk, choice=5
        )


def test_nobody_votes_on_a_pending_statement(seeded, cast):
    with pytest.raises(Conflict):
        services.statement_vote(actor=cast["resident"], statement_id=seeded["pending"].pk, choice=1)
    with pytest.raises(NotFound):
        services.statement_vote(
            actor=cast["resident_next_grid"], statement_id=seeded["pending"].pk, choice=1
        )


def test_a_resident_of_the_next_community_neither_reads_nor_votes(seeded, cast, topic):
    outsider = cast["resident_next_community"]
    with pytest.raises(NotFound):
        selectors.topic_get_for_user(outsider, topic.pk)
    with pytest.raises(NotFound):
        services.statement_vote(actor=outsider, statement_id=seeded["accepted"][0].pk, choice=1)
    with pytest.raises(NotPermitted):
        services.statement_add(actor=outsider, topic_id=topic.pk, text="我也有话说")


def test_votes_and_statements_stop_when_deliberation_is_over(seeded, cast, topic):
    topic.phase = Phase.VOTE
    topic.save()
    with pytest.raises(Conflict):
        services.statement_vote(
            actor=cast["resident"], statement_id=seeded["accepted"][0].pk, choice=1
        )
    with pytest.raises(Conflict):
        services.statement_add(actor=cast["resident"], topic_id=topic.pk, text="还有一点")


def test_a_statement_is_checked_and_masked(topic, cast):
    with pytest.raises(InvalidInput):
        services.statement_add(actor=cast["resident"], topic_id=topic.pk, text="   ")
    with pytest.raises(InvalidInput):
        services.statement_add(actor=cast["resident"], topic_id=topic.pk, text="长" * 141)
    statement, _ = services.statement_add(
        actor=cast["resident"], topic_id=topic.pk, text="有事请打13812345678"
    )
    assert statement.text == "有事请打138****5678"


def test_a_statement_sent_twice_is_added_once(topic, cast):
    key = uuid.uuid4()
    first, created = services.statement_add(
        actor=cast["resident"], topic_id=topic.pk, text="楼道先整修", client_id=key
    )
    again, created_again = services.statement_add(
        actor=cast["resident"], topic_id=topic.pk, text="楼道先整修", client_id=key
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)


def test_another_persons_client_id_is_refused(topic, cast):
    key = uuid.uuid4()
    services.statement_add(
        actor=cast["resident"], topic_id=topic.pk, text="先修楼道", client_id=key
    )
    with pytest.raises(Conflict):
        services.statement_add(
            actor=cast["grid_worker"], topic_id=topic.pk, text="别的", client_id=key
        )


def test_pending_statements_are_announced_to_moderators_only(topic, cast):
    statement, _ = services.statement_add(
        actor=cast["resident"], topic_id=topic.pk, text="先听听一楼的意见"
    )
    event = Event.objects.filter(kind="opinion.moderation").latest("id")
    assert event.payload == {"topic": topic.pk, "statement": statement.pk}
    assert all(group.startswith("staff.") for group in event.audience)


def camp_votes(topic, areas, statements, n=6):
    """Two camps of residents in GRID: one agrees with the first statement and disagrees
    with the second, the other the reverse; both agree with the third."""
    people = []
    for i in range(2 * n):
        user = resident_of(areas, GRID, f"居民{i}")
        upper = i < n
        for statement, choice in zip(
            statements, (1 if upper else -1, -1 if upper else 1, 1), strict=False
        ):
            services.statement_vote(actor=user, statement_id=statement.pk, choice=choice)
        people.append(user)
    return people


@pytest.fixture
def three_statements(topic, cast, seeded):
    third, _ = services.statement_add(
        actor=cast["clerk"], topic_id=topic.pk, text="施工期间要保证安全"
    )
    return [*seeded["accepted"], third]


def test_computing_a_map_finds_the_camps_and_names_nobody(topic, areas, three_statements, settings):
    settings.OPINION_MIN_VOTES = 3
    people = camp_votes(topic, areas, three_statements)
    snapshot = compute_topic(topic)
    assert snapshot.participants == 12 and snapshot.placed == 12
    assert sorted(g["size"] for g in snapshot.groups) == [6, 6]
    assert [c["statement"] for c in snapshot.consensus] == [three_statements[2].pk]
    text = str([snapshot.groups, snapshot.points, snapshot.consensus, snapshot.scores])
    for user in people:
        assert user.display_name not in text
        assert f"'{user.pk}'" not in text and f"user.{user.pk}" not in text
    assert "participant" not in text
    event = Event.objects.filter(kind="opinion.updated").latest("id")
    assert event.payload == {
        "topic": topic.pk,
        "groups": {g["label"]: 6 for g in snapshot.groups},
        "placed": 12,
    }


def test_a_topic_is_computed_again_only_after_new_votes(
    topic, areas, three_statements, settings, cast
):
    settings.OPINION_MIN_VOTES = 3
    camp_votes(topic, areas, three_statements)
    assert topics_due() == [topic]
    assert compute_due() == 1
    assert topics_due() == []
    services.statement_vote(actor=cast["resident"], statement_id=three_statements[0].pk, choice=1)
    assert topics_due() == [topic]


def test_groups_keep_their_labels_and_each_member_knows_their_own(
    topic, areas, three_statements, settings, cast
):
    settings.OPINION_MIN_VOTES = 3
    people = camp_votes(topic, areas, three_statements)
    compute_topic(topic)
    before = selectors.my_place(people[0], topic).label
    other = selectors.my_place(people[-1], topic).label
    # more residents join the second camp: it becomes the larger one
    for i in range(6):
        user = resident_of(areas, GRID, f"新居民{i}")
        for statement, choice in zip(three_statements, (-1, 1, 1), strict=True):
            services.statement_vote(actor=user, statement_id=statement.pk, choice=choice)
    compute_topic(topic)
    assert selectors.my_place(people[0], topic).label == before
    assert selectors.my_place(people[-1], topic).label == other
    assert OpinionMembership.objects.filter(topic=topic).count() == 18
    assert selectors.my_place(cast["clerk"], topic) is None


def test_next_statement_skips_what_was_voted_and_ends(seeded, cast, topic):
    resident = cast["resident"]
    shown = []
    while (statement := selectors.statement_next(resident, topic)) is not None:
        shown.append(statement.pk)
        services.statement_vote(actor=resident, statement_id=statement.pk, choice=Choice.PASS)
    assert sorted(shown) == sorted(s.pk for s in seeded["accepted"])
    # the same request again shows the same statement (a phone's retry)
    other = cast["grid_worker"]
    assert selectors.statement_next(other, topic) == selectors.statement_next(other, topic)


def test_a_grid_worker_of_the_topics_area_takes_part(seeded, cast, areas):
    user = user_with_role("grid_worker", areas[GRID])
    vote = services.statement_vote(actor=user, statement_id=seeded["accepted"][0].pk, choice=1)
    assert vote.choice == 1
