"""One subscription per group per process: the hub listens for all the sockets of its
process, sends each event once to each socket, and re-checks all their logins in one
pass."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.test import Client, override_settings

from accounts.models import Role, RoleAssignment
from grid.models import Area
from infra.memo import forget_all
from realtime.groups import staff_group
from realtime.recheck import CLOSE_SCOPE_CHANGED, Check, allowed_groups, joined_groups, verdicts
from tests.realtime.test_replay import OURS, emit_now, everything, open_socket

STREET = "310101001"
MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.mark.asyncio
@override_settings(CHANNEL_LAYERS=MEMORY)
@pytest.mark.django_db(transaction=True)
async def test_the_sockets_of_a_group_share_one_subscription_and_each_gets_an_event_once(
    two_street_supervisors,
):
    channel_layers.backends.clear()
    first, _ = two_street_supervisors
    sockets = [(await open_socket(first))[0] for _ in range(5)]
    layer = get_channel_layer()
    # the process's hub is in the street's group once, not once per socket
    assert len(layer.groups[staff_group(STREET)]) == 1
    event_id = await sync_to_async(emit_now)(OURS)
    for socket in sockets:
        assert [m["id"] for m in await everything(socket)] == [event_id]
    for socket in sockets:
        await socket.disconnect()
    assert staff_group(STREET) not in layer.groups  # the last one out unsubscribes
    channel_layers.backends.clear()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_in_several_groups_of_an_event_gets_it_once(two_street_supervisors):
    first, _ = two_street_supervisors
    # the street's supervisor is also the district's administrator: an event of a grid
    # goes to the staff of the street and of the district, both this socket's groups
    await sync_to_async(RoleAssignment.objects.create)(
        user=first, role=Role.ADMIN, area=await Area.objects.aget(code="310101")
    )
    socket, hello = await open_socket(first)
    assert {staff_group(STREET), staff_group("310101")} <= set(hello["groups"])
    event_id = await sync_to_async(emit_now)(OURS)
    assert [m["id"] for m in await everything(socket, timeout=1.0)] == [event_id]
    await socket.disconnect()


@pytest.mark.django_db
def test_one_pass_reads_a_shared_login_once(two_street_supervisors, django_assert_max_num_queries):
    first, second = two_street_supervisors
    client = Client()
    client.force_login(first)
    key = client.session.session_key

    mine = Check(first.pk, key, joined_groups(allowed_groups(first), key))
    theirs = Check(second.pk, None, joined_groups(allowed_groups(second), None))
    with django_assert_max_num_queries(12) as counted:  # one socket's share, about
        assert verdicts([mine]) == [None]
    one = len(counted.captured_queries)
    # 200 sockets of the same login and user cost what one does
    with django_assert_max_num_queries(one):
        assert verdicts([mine] * 200) == [None] * 200
    # a role taken away: that user's sockets close to rejoin; the other user's stay
    RoleAssignment.objects.filter(user=first).delete()
    forget_all()  # the roles memo, as the role services' forget-on-commit does
    assert verdicts([mine, theirs, mine]) == [CLOSE_SCOPE_CHANGED, None, CLOSE_SCOPE_CHANGED]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_street_supervisor_hears_nothing_of_the_neighbouring_street(
    two_street_supervisors,
):
    first, second = two_street_supervisors
    ours = [(await open_socket(first))[0] for _ in range(3)]
    theirs = [(await open_socket(second))[0] for _ in range(3)]
    event_id = await sync_to_async(emit_now)(OURS)
    for socket in ours:
        assert [m["id"] for m in await everything(socket)] == [event_id]
    for socket in theirs:
        assert await socket.receive_nothing(timeout=0.2)
    for socket in ours + theirs:
        await socket.disconnect()
