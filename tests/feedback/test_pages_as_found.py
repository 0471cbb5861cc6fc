"""What a pass through the case pages as each role found (issue: command center, "case
pages as their users found them"), one test per defect."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import NotPermitted
from feedback import services
from feedback.escalation import escalate_overdue
from feedback.models import Case, CaseState
from feedback.workflow import TRANSITION
from grid.models import Area
from tests.feedback.conftest import GRID
from tests.feedback.flows import dispatched, on_spot, registered, reported
from tests.feedback.pages import report_data


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


def test_a_grid_worker_neither_rates_nor_reopens_their_own_on_the_spot_case(
    client, people, categories
):
    # given a case the grid worker reported and closed on the spot
    case = on_spot(people, categories)
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


def test_the_reporter_reads_the_offices_answers_but_no_staff_names_or_internal_notes(
    client, people, categories
):
    # given a case the department sent back with an internal reason, then handled
    case = dispatched(people, categories)
    services.case_send_back(
        actor=people["handler"], case_id=case.pk, reason="内部：张科长说不归我们"
    )
    services.case_dispatch(actor=people["supervisor"], case_id=case.pk, note="再派城管")
    services.case_handle(actor=people["handler"], case_id=case.pk, note="摊贩已劝离")
    detail = reverse("feedback:detail", args=[case.pk])
    # when the resident who reported it reads the case page
    client.force_login(people["resident"])
    text = client.get(detail).text
    # then they read the handling result, not the internal notes nor any staff name
    assert "摊贩已劝离" in text
    assert "张科长" not in text and "再派城管" not in text and "部门退回理由" not in text
    for staff in ("handler", "supervisor"):
        assert f"· {people[staff]}" not in text
    # while the supervisor reads everything
    client.force_login(people["supervisor"])
    text = client.get(detail).text
    assert "张科长" in text and "再派城管" in text and f"· {people['handler']}" in text


def test_an_escalation_says_under_an_hour_and_the_surviving_case_is_not_the_merged_one(
    client, people, categories
):
    # given a case escalated just after its deadline, and a duplicate merged into another
    case = dispatched(people, categories)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    escalate_overdue()
    master = registered(people, categories)
    duplicate = registered(people, categories, reporter="other_resident")
    services.case_merge(actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk)
    client.force_login(people["supervisor"])
    # then the escalation reads "under an hour", never "0.0 hours"
    text = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert "第 1 次督办，超期不足 1 小时" in text and "0.0" not in text
    # and the master's timeline says the duplicate came into it
    text = client.get(reverse("feedback:detail", args=[master.pk])).text
    assert f"重复事件 {duplicate.number} 已并入本事件" in text


def test_the_case_api_gives_the_reporter_the_same_notes_as_the_page(client, people, categories):
    case = dispatched(people, categories)
    services.case_send_back(actor=people["handler"], case_id=case.pk, reason="张科长说不归我们")
    services.case_dispatch(actor=people["supervisor"], case_id=case.pk)
    services.case_handle(actor=people["handler"], case_id=case.pk, note="摊贩已劝离")
    client.force_login(people["resident"])
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    notes = {entry["action"]: entry["note"] for entry in body["timeline"]}
    assert notes["send_back"] == "" and notes["handle"] == "摊贩已劝离"
    client.force_login(people["supervisor"])
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert "张科长" in {e["action"]: e["note"] for e in body["timeline"]}["send_back"]


def test_the_handlers_inbox_filters_by_category_and_overdue(client, people, categories):
    # given two dispatched cases of two categories of the department, one overdue
    stall = dispatched(people, categories)
    dispute = dispatched(people, categories, category="dispute")
    Case.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    client.force_login(people["handler"])
    inbox = reverse("feedback:inbox")
    # when they filter by category, then by overdue
    by_category = client.get(inbox, {"category": categories["stall"].code}).text
    by_overdue = client.get(inbox, {"overdue": "1"}).text
    # then each filter keeps exactly its case, and the form is on the page
    assert stall.number in by_category and dispute.number not in by_category
    assert dispute.number in by_overdue and stall.number not in by_overdue
    assert 'id="case-filters"' in by_category and 'name="state"' not in by_category


def test_the_grid_workers_cases_filter_by_more_than_state(client, people, categories):
    stall = dispatched(people, categories)
    dispute = dispatched(people, categories, category="dispute")
    client.force_login(people["worker"])
    url = reverse("feedback:grid_cases")
    text = client.get(url, {"category": categories["dispute"].code, "state": "dispatched"}).text
    assert dispute.number in text and stall.number not in text
    assert 'name="search"' in text and 'name="overdue"' in text


def test_a_clerk_reports_for_a_named_resident_and_is_not_offered_anonymity(
    client, people, categories
):
    client.force_login(people["clerk"])
    form = client.get(reverse("feedback:report")).text
    assert 'name="reporter_name"' in form and 'name="anonymous"' not in form
    # without the name the report is refused and nothing is saved
    data = report_data(categories["stall"])
    refused = client.post(reverse("feedback:report"), data)
    assert refused.status_code == 422 and not Case.objects.exists()
    # with it, the case names the resident as its reporter
    data = report_data(categories["stall"], reporter_name="王阿姨")
    client.post(reverse("feedback:report"), data)
    case = Case.objects.get()
    assert (case.reporter_name, case.anonymous, case.reporter) == ("王阿姨", False, people["clerk"])


def test_a_resident_is_still_offered_anonymity(client, people):
    client.force_login(people["resident"])
    form = client.get(reverse("feedback:report")).text
    assert 'name="anonymous"' in form and 'name="reporter_name"' not in form


def test_an_unscreened_report_is_published_only_once_registered(client, people, categories):
    # given a resident's fresh report
    case = reported(people, categories)
    client.force_login(people["other_resident"])
    public = reverse("feedback:public")
    # then neighbours, the public API and Open311 do not see it yet
    assert case.number not in client.get(public).text
    assert client.get(reverse("feedback:public_detail", args=[case.pk])).status_code == 404
    assert client.get(f"/open311/v2/requests/{case.pk}.json").status_code == 404
    # when staff register it, it is published
    services.case_register(actor=people["supervisor"], case_id=case.pk)
    assert case.number in client.get(public).text
    assert client.get(f"/open311/v2/requests/{case.pk}.json").status_code == 200
