"""The command center's KPIs (feedback.kpi): every formula on a constructed timeline, the
working-hour edges of a holiday and a make-up working day, the drill-down (each linked
list holds exactly the cases behind its figure), scope, and the page's gates."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback import deadlines, kpi, services
from feedback.escalation import escalate_overdue
from feedback.models import Case, CaseEntry
from tests.feedback.conftest import GRID, NEIGHBOUR_GRID
from tests.feedback.flows import closed, dispatched, on_spot, reported
from tests.test_i18n import chinese_chrome

SHANGHAI = ZoneInfo("Asia/Shanghai")
DASHBOARD = reverse("feedback:dashboard")
# Two weeks around National Day 2026: 1–7 October off, Saturday 10 October a make-up day.
PERIOD = kpi.Period(dt.date(2026, 9, 28), dt.date(2026, 10, 11))
STREET = "310101001"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def timed(case: Case, **moments: dt.datetime) -> None:
    """Put the case's timeline entries (one per action) at the given moments."""
    for action, when in moments.items():
        CaseEntry.objects.filter(case=case, action=action).update(at=when)
    Case.objects.filter(pk=case.pk).update(created_at=moments["report"])


def shifted(case: Case, to: dt.datetime) -> None:
    """Move the whole case in time, keeping the seconds between its entries."""
    delta = to - Case.objects.get(pk=case.pk).created_at
    CaseEntry.objects.filter(case=case).update(at=F("at") + delta)
    Case.objects.filter(pk=case.pk).update(created_at=F("created_at") + delta)


def rated(people, case: Case, rating: str) -> Case:
    comment = "没有解决" if rating == "unsatisfied" else ""
    return services.case_rate(
        actor=people["resident"], case_id=case.pk, rating=rating, comment=comment
    )


@pytest.fixture
def timeline(people, categories):
    """Six cases of the supervisor's street reported in PERIOD, one before it, and one of
    the neighbouring street."""
    a = rated(people, closed(people, categories), "satisfied")
    # registered exactly at its deadline, 2 working hours across the National Day holiday
    timed(a, report=local(2026, 9, 30, 16, 30), register=local(2026, 10, 8, 10, 0),
          dispatch=local(2026, 10, 8, 10, 30), handle=local(2026, 10, 9, 16, 0),
          verify_pass=local(2026, 10, 9, 17, 0))  # fmt: skip
    b = rated(people, closed(people, categories), "basic")
    # registered 3.5 working hours after the report: late
    timed(b, report=local(2026, 9, 28, 9, 0), register=local(2026, 9, 28, 14, 0),
          dispatch=local(2026, 9, 28, 14, 30), handle=local(2026, 9, 29, 10, 0),
          verify_pass=local(2026, 9, 29, 11, 0))  # fmt: skip
    c = on_spot(people, categories)
    shifted(c, local(2026, 10, 9, 9, 0))
    d = reported(people, categories)  # still waiting to be registered, past its deadline
    shifted(d, local(2026, 9, 29, 9, 0))
    Case.objects.filter(pk=d.pk).update(due_at=local(2026, 9, 29, 11, 0))
    escalate_overdue()
    e = closed(people, categories)
    services.case_reopen(actor=people["resident"], case_id=e.pk, reason="又有摊贩")
    shifted(e, local(2026, 10, 9, 10, 0))
    f = rated(people, closed(people, categories), "unsatisfied")
    shifted(f, local(2026, 10, 9, 11, 0))
    before = reported(people, categories)
    shifted(before, local(2026, 9, 20, 10, 0))
    neighbour, _ = services.case_report(
        actor=people["neighbour_worker"], client_id=uuid.uuid4(),
        category=categories["stall"], description="占道", grid_code=NEIGHBOUR_GRID,
    )  # fmt: skip
    shifted(neighbour, local(2026, 10, 9, 9, 0))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "neighbour": neighbour}


def board(user, area: str = STREET) -> kpi.Dashboard:
    return kpi.dashboard(user=user, selection=kpi.Selection(area), period=PERIOD)


def test_every_formula_on_a_constructed_timeline(people, timeline):
    now = board(people["supervisor"]).current

    def ratio(key: str) -> tuple:
        return now[key].numerator, now[key].denominator

    assert now["received"].value == 6
    assert now["open"].value == 2  # d waits, e was reopened
    assert now["overdue"].value == 1 and now["escalated"].value == 1  # d
    assert ratio("response_rate") == (3, 5)  # a, e, f on time; b late; d waiting past due
    assert ratio("resolution_rate") == (4, 5)  # a, b, c, f closed; d overdue
    assert ratio("satisfaction_rate") == (2, 3)
    assert ratio("on_spot_rate") == (1, 6)
    assert ratio("reopen_rate") == (1, 5)  # e of a, b, c, e, f
    # four finished stages each for a, b, e and f; b's registration is the late one
    assert ratio("on_time_rate") == (15, 16) and now["on_time_rate"].cases == 1
    assert now["response_rate"].value == pytest.approx(0.6)
    assert [now[f"rating_{r}"].value for r in ("satisfied", "basic", "unsatisfied")] == [1, 1, 1]


def test_durations_are_working_hours_with_their_p90(people, timeline):
    now = board(people["supervisor"]).current
    acceptance, handling = now["acceptance_hours"], now["handling_hours"]
    # a: 2.0 (16:30-17:30 on 30 September, 9:00-10:00 on 8 October), b: 3.5, e and f: ~0
    assert acceptance.numerator == 4
    assert acceptance.value == pytest.approx(5.5 / 4, abs=0.01)
    assert acceptance.p90 == pytest.approx(3.5)
    # a: 11.0 (8 October 10:30 to 9 October 16:00), b: 4.0, e and f: ~0
    assert handling.value == pytest.approx(15 / 4, abs=0.01)
    assert handling.p90 == pytest.approx(11.0)


def test_handling_runs_from_the_dispatch_that_led_to_it_and_a_late_redispatch_counts(
    people, categories
):
    # given a case sent back and dispatched again, then handled
    case = dispatched(people, categories)
    services.case_send_back(actor=people["handler"], case_id=case.pk, reason="不属本部门")
    services.case_dispatch(actor=people["supervisor"], case_id=case.pk)
    services.case_handle(actor=people["handler"], case_id=case.pk, note="已处理")
    timed(case, report=local(2026, 10, 8, 9, 0), register=local(2026, 10, 8, 9, 30),
          send_back=local(2026, 10, 8, 11, 0), handle=local(2026, 10, 9, 11, 0))  # fmt: skip
    first, second = CaseEntry.objects.filter(case=case, action="dispatch").order_by("seq")
    CaseEntry.objects.filter(pk=first.pk).update(at=local(2026, 10, 8, 10, 0))
    # two working hours after the send-back were due by 14:30; it came at 16:30
    CaseEntry.objects.filter(pk=second.pk).update(at=local(2026, 10, 8, 16, 30))
    now = board(people["supervisor"]).current
    # 16:30-17:30 on 8 October and 9:00-11:00 on 9 October
    assert now["handling_hours"].numerator == 1
    assert now["handling_hours"].value == pytest.approx(3.0)
    on_time = now["on_time_rate"]
    assert (on_time.numerator, on_time.denominator, on_time.cases) == (4, 5, 1)


def test_working_hours_skip_a_holiday_and_count_a_make_up_saturday(db):
    # 30 September 16:30 to 8 October 10:00: one hour each side of the holiday
    assert deadlines.working_hours_between(
        local(2026, 9, 30, 16, 30), local(2026, 10, 8, 10, 0)
    ) == pytest.approx(2.0)
    # Friday 9 October 17:00 to Saturday 10 October 9:30, a make-up working day (调休)
    assert deadlines.working_hours_between(
        local(2026, 10, 9, 17, 0), local(2026, 10, 10, 9, 30)
    ) == pytest.approx(1.0)
    # the next Saturday and Sunday are off: Friday 17:00 to Monday 9:30 is one hour too
    assert deadlines.working_hours_between(
        local(2026, 10, 16, 17, 0), local(2026, 10, 19, 9, 30)
    ) == pytest.approx(1.0)
    # the inverse of add_working_hours
    start = local(2026, 9, 30, 16, 30)
    assert deadlines.working_hours_between(
        start, deadlines.add_working_hours(start, 2)
    ) == pytest.approx(2.0)


def test_p90_is_the_nearest_rank():
    assert kpi.p90([]) is None
    assert kpi.p90([5.0]) == 5.0
    assert kpi.p90([float(n) for n in range(1, 11)]) == 9.0
    assert kpi.p90([float(n) for n in range(1, 12)]) == 10.0


def dashboard_page(client, user, **params):
    client.force_login(user)
    query = {"date_from": PERIOD.start, "date_to": PERIOD.end} | params
    return client.get(DASHBOARD, query)


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_every_figure_links_to_exactly_its_cases(client, people, timeline):
    response = dashboard_page(client, people["supervisor"], area=STREET)
    assert response.status_code == 200
    for card in response.context["cards"]:
        figure = card["figure"]
        assert listed(client, card["link"]) == figure.cases, figure.kpi.key
        if card["denominator_link"]:
            assert listed(client, card["denominator_link"]) == figure.denominator, figure.kpi.key
    assert 'data-kpi="overdue" data-cases="1"' in response.text


def test_the_ranking_and_the_previous_period_link_to_their_cases(client, people, timeline):
    response = dashboard_page(client, people["supervisor"], area=STREET, rank="response_rate")
    ranking = response.context["ranking"]
    assert ranking[0]["subject"].code == GRID[:12]  # the only community with cases
    assert ranking[0]["received"]["figure"].value == 6
    assert all(row["received"]["figure"].value == 0 for row in ranking[1:])
    for rate in ranking[0]["rates"]:
        assert listed(client, rate["link"]) == rate["figure"].numerator
        assert listed(client, rate["denominator_link"]) == rate["figure"].denominator
    received = response.context["compared"][0]
    assert received["before"]["figure"].value == 1  # reported on 20 September
    assert listed(client, received["before"]["link"]) == 1
    assert received["change"] == "+5"


def test_departments_are_ranked_by_the_cases_they_hold_now(client, people, timeline):
    response = dashboard_page(client, people["supervisor"], area=STREET)
    (city,) = response.context["departments"]  # e was reopened: with no department now
    assert city["subject"].name == "城管局"
    assert city["received"]["figure"].value == 3  # a, b, f
    assert listed(client, city["received"]["link"]) == 3
    for rate in city["rates"]:
        assert listed(client, rate["link"]) == rate["figure"].numerator
        assert listed(client, rate["denominator_link"]) == rate["figure"].denominator


def test_the_page_reads_in_english(client, people, timeline):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = dashboard_page(client, people["supervisor"], area=STREET)
    assert response.status_code == 200
    assert chinese_chrome(response.text) == []
    assert "Response rate" in response.text


def test_a_neighbouring_supervisor_counts_none_of_the_other_streets_cases(client, people, timeline):
    neighbour = people["neighbour_supervisor"]
    now = board(neighbour, area="310101002").current
    assert now["received"].value == 1
    assert now["satisfaction_rate"].denominator == 0 and now["satisfaction_rate"].value is None
    # even asked for the other street directly, the cohort holds only what they may see
    assert board(neighbour, area=STREET).current["received"].value == 0
    response = dashboard_page(client, neighbour, area=STREET)
    assert response.status_code == 400  # not an area of their scope
    assert "received" not in response.context


@pytest.mark.parametrize("role", ["resident", "handler", "worker", "clerk"])
def test_other_roles_get_the_403_page(client, people, role):
    client.force_login(people[role])
    response = client.get(DASHBOARD)
    assert response.status_code == 403
    assert "您的角色不能使用此页面" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-40"}, "输入一个有效的日期"),
        ({"date_from": "2026-10-11", "date_to": "2026-10-01"}, "开始日期不能晚于结束日期"),
        ({"date_from": "2024-01-01", "date_to": "2026-10-01"}, "统计期间最长 366 天"),
        ({"category": "99"}, "选择一个有效的选项"),
        ({"rank": "nonsense"}, "选择一个有效的选项"),
    ],
)
def test_bad_parameters_give_the_page_with_a_message(client, people, categories, params, message):
    client.force_login(people["supervisor"])
    response = client.get(DASHBOARD, params)
    assert response.status_code == 400
    assert 'id="kpi-errors"' in response.text
    assert message in response.text


def test_the_default_is_this_month_for_the_top_of_the_scope(client, people, categories):
    client.force_login(people["supervisor"])
    case = reported(people, categories)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    board_ = response.context["board"]
    assert board_.period.start.day == 1 and board_.period.end >= case.created_at.date()
    assert response.context["form"].cleaned_data["area"] == STREET
    assert board_.current["received"].value == 1


def test_the_page_is_linked_from_the_case_nav_and_the_supervisors_home(client, people):
    client.force_login(people["supervisor"])
    assert DASHBOARD in client.get(reverse("feedback:supervise")).text
    assert DASHBOARD in client.get(reverse("accounts:home")).text


def test_the_figures_take_the_same_queries_however_many_cases(people, categories, timeline):
    # counted by aggregate queries and one read of the timeline, not a query per case
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            board(people["supervisor"])
        return len(captured)

    first = queries()
    for _n in range(3):
        shifted(rated(people, closed(people, categories), "satisfied"), local(2026, 10, 9, 9))
    assert queries() == first
    assert board(people["supervisor"]).current["received"].value == 9
