"""What a pass through the case pages as each role found (issue: command center, "case
pages as their users found them"), one test per defect."""

import uuid

import pytest
from django.urls import reverse

from common.errors import NotPermitted
from feedback import services
from feedback.models import Case, CaseState
from feedback.photos import prepare
from feedback.workflow import TRANSITION
from grid.models import Area
from tests.feedback.conftest import GRID
from tests.feedback.flows import dispatched
from tests.feedback.pages import report_data
from tests.feedback.photos import image_bytes


def test_a_handler_who_sends_a_case_back_lands_on_the_inbox_with_the_confirmation(
    client, people, categories
):
    # given a case dispatched to the handler's department
    case = dispatched(people, categories)
    client.force_login(people["handler"])
    # when they send it back
    answer = client.post(
        reverse("feedback:send_back", args=[case.pk]), {"reason": "不属于本部门职责"}, follow=True
    )
    # then they land on their inbox (the case has left their sight), not on a 404
    assert answer.status_code == 200
    assert answer.redirect_chain[-1][0] == reverse("feedback:inbox")
    assert str(TRANSITION["send_back"].success) in answer.text
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("resident", "feedback:mine"),
        ("clerk", "feedback:mine"),
        ("worker", "feedback:grid_cases"),
        ("handler", "feedback:inbox"),
        ("supervisor", "feedback:queue"),
    ],
)
def test_the_headers_cases_link_goes_to_each_roles_own_list(client, people, role, name):
    client.force_login(people[role])
    home = client.get(reverse("accounts:home"))
    assert f'<a href="{reverse(name)}">事件</a>' in home.text
    assert client.get(reverse(name)).status_code == 200


def test_the_handlers_home_lists_the_dispatched_cases(client, people, categories):
    # given two cases dispatched to the handler's department and one to another
    first, second = dispatched(people, categories), dispatched(people, categories)
    other = dispatched(people, categories, category="manhole")
    client.force_login(people["handler"])
    # when the handler opens the home page
    text = client.get(reverse("accounts:home")).text
    # then both of theirs are listed, the other department's is not
    assert first.number in text and second.number in text
    assert other.number not in text
    assert "待处置 2 件" in text


def test_the_handlers_home_says_when_nothing_waits(client, people):
    client.force_login(people["handler"])
    assert "本部门目前没有待处置的事件。" in client.get(reverse("accounts:home")).text


def test_case_lists_and_the_export_name_a_grid_with_its_community(client, people, categories):
    case = dispatched(people, categories)
    grid = Area.objects.select_related("parent").get(code=GRID)
    full = grid.parent.name + grid.name
    client.force_login(people["handler"])
    assert full in client.get(reverse("feedback:inbox")).text
    client.force_login(people["supervisor"])
    assert full in client.get(reverse("feedback:supervise")).text
    assert full in client.get(reverse("feedback:detail", args=[case.pk])).text


def _on_spot(people, categories):
    photo = prepare(image_bytes("JPEG"), name="photo.jpg")
    case, _created = services.case_handle_on_spot(
        actor=people["worker"], client_id=uuid.uuid4(), category=categories["stall"],
        description="占道摆摊", lon=None, lat=None, grid_code=GRID, note="已劝离",
        before=[photo], after=[photo],
    )  # fmt: skip
    return case


def test_a_grid_worker_neither_rates_nor_reopens_their_own_on_the_spot_case(
    client, people, categories
):
    # given a case the grid worker reported and closed on the spot
    case = _on_spot(people, categories)
    client.force_login(people["worker"])
    # then the case page offers neither rating nor reopening
    text = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert reverse("feedback:rate", args=[case.pk]) not in text
    assert reverse("feedback:reopen", args=[case.pk]) not in text
    # and the services refuse both
    with pytest.raises(NotPermitted):
        services.case_rate(actor=people["worker"], case_id=case.pk, rating="satisfied")
    with pytest.raises(NotPermitted):
        services.case_reopen(actor=people["worker"], case_id=case.pk, reason="再看看")


def test_a_residents_closed_case_is_still_rated_by_the_resident(client, people, categories):
    case = dispatched(people, categories)
    services.case_handle(actor=people["handler"], case_id=case.pk, note="已劝离")
    services.case_verify(actor=people["worker"], case_id=case.pk, passed=True, note="")
    client.force_login(people["resident"])
    text = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert reverse("feedback:rate", args=[case.pk]) in text


def test_a_report_ends_on_its_case_page_with_a_confirmation(client, people, categories):
    client.force_login(people["resident"])
    answer = client.post(reverse("feedback:report"), report_data(categories["stall"]), follow=True)
    case = Case.objects.get(reporter=people["resident"])
    assert answer.redirect_chain[-1][0] == reverse("feedback:detail", args=[case.pk])
    assert f"上报成功，事件编号 {case.number}" in answer.text


def test_the_login_page_links_to_resident_registration(client):
    text = client.get(reverse("accounts:login")).text
    assert f'href="{reverse("accounts:register")}"' in text


def test_reviewers_find_the_registration_queue_on_their_home(client, people):
    client.force_login(people["clerk"])
    assert reverse("accounts:registration_list") in client.get(reverse("accounts:home")).text
    client.force_login(people["handler"])
    assert reverse("accounts:registration_list") not in client.get(reverse("accounts:home")).text
