"""The ballot pages: casting from a phone form, the household refusal, results with the
arithmetic, the export and the 公示 — and no page or export showing who chose what on a
secret ballot, or anything to a neighbouring area."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from tests.factories import user_with_role
from tests.voting.conftest import (
    NEXT_COMMUNITY,
    NEXT_COMMUNITY_GRID,
    cast,
    key,
    make_ballot,
    member,
    user_for,
    voter,
)
from voting import services
from voting.models import Vote
from voting.rules import Rules

pytestmark = pytest.mark.django_db


def page(client, user, url: str, data: dict | None = None):
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


def test_a_resident_casts_from_the_page_and_sees_the_receipt(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    user = voter(areas)
    form = page(client, user, f"/voting/{ballot.pk}/")
    assert form.status_code == 200
    assert 'name="selection" value="yes"' in form.text
    data = {"selection": "yes", "client_id": form.context["form"]["client_id"],
            "receipt": form.context["form"]["receipt"]}  # fmt: skip
    done = page(client, user, f"/voting/{ballot.pk}/cast/", data)
    again = page(client, user, f"/voting/{ballot.pk}/cast/", data)  # sent twice
    assert done.status_code == again.status_code == 200
    assert data["receipt"] in done.text and data["receipt"] in again.text
    assert Vote.objects.filter(ballot=ballot).count() == 1


def test_a_ranked_ballot_is_cast_by_giving_ranks(client, areas, topic, clerk):
    ballot = make_ballot(
        topic, clerk, kind="ranked", rules=Rules(None, None),
        options=[services.OptionIn(x) for x in ("东门", "西门", "南门")],
    )  # fmt: skip
    user = voter(areas)
    form = page(client, user, f"/voting/{ballot.pk}/")
    a, b, c = (key(ballot, i) for i in range(3))
    data = {f"rank-{a}": "2", f"rank-{b}": "", f"rank-{c}": "1",
            "client_id": form.context["form"]["client_id"], "receipt": ""}  # fmt: skip
    assert page(client, user, f"/voting/{ballot.pk}/cast/", data).status_code == 200
    services.ballot_close(ballot=ballot, actor=clerk)
    ballot.refresh_from_db()
    assert ballot.outcome["counts"][c] == 1


def test_the_second_household_member_is_told_without_a_name(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk, eligibility_rule="household")
    head = voter(areas, name="户主甲")
    cast(head, ballot, "yes")
    spouse = user_for(member(head.resident.household, name="配偶乙"), areas)
    shown = page(client, spouse, f"/voting/{ballot.pk}/")
    assert "您家已经有成员投过票了" in shown.text
    assert "户主甲" not in shown.text
    assert 'name="selection"' not in shown.text


def test_an_ineligible_reader_is_told_why_instead_of_a_form(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    shown = page(client, clerk, f"/voting/{ballot.pk}/")
    assert "工作人员身份" in shown.text and 'name="selection"' not in shown.text


def test_a_secret_ballot_page_shows_no_count_until_close(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    cast(voter(areas, name="李秀英"), ballot, "yes")
    shown = page(client, clerk, f"/voting/{ballot.pk}/")
    assert "截止前不公布计票" in shown.text
    assert page(client, clerk, f"/voting/{ballot.pk}/results/").status_code == 404
    assert page(client, clerk, f"/voting/{ballot.pk}/results.xlsx").status_code == 404


def test_results_show_the_arithmetic_and_the_notice_its_period(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    for choice in ("yes", "yes", "no"):
        cast(voter(areas), ballot, choice)
    services.ballot_close(ballot=ballot, actor=clerk, minutes="议定加装")
    results = page(client, voter(areas), f"/voting/{ballot.pk}/results/")
    assert results.status_code == 200
    assert "参与表决 3 人" in results.text
    assert "即至少 2 票" in results.text
    assert "议定加装" in results.text
    notice = page(client, clerk, f"/voting/{ballot.pk}/notice/")
    assert "公示期" in notice.text and "表决结果公示" in notice.text


def test_a_secret_ballots_export_has_no_voter_and_an_open_ones_masks_names(
    client, areas, topic, clerk
):
    secret = make_ballot(topic, clerk)
    openly = make_ballot(topic, clerk, secret=False)
    for ballot in (secret, openly):
        cast(voter(areas, name="李秀英"), ballot, "yes")
        services.ballot_close(ballot=ballot, actor=clerk)
    for ballot, sheets in ((secret, ["表决结果"]), (openly, ["表决结果", "记名投票明细"])):
        exported = page(client, clerk, f"/voting/{ballot.pk}/results.xlsx")
        book = load_workbook(io.BytesIO(exported.content))
        assert book.sheetnames == sheets
        cells = [str(c) for s in book for row in s.iter_rows(values_only=True) for c in row]
        assert "李秀英" not in cells
    assert "李**" in cells
    resident_export = page(client, voter(areas), f"/voting/{openly.pk}/results.xlsx")
    book = load_workbook(io.BytesIO(resident_export.content))
    assert book.sheetnames == ["表决结果"]


def test_the_topic_page_lists_the_ballots_with_a_live_region(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    shown = page(client, voter(areas), f"/topics/{topic.pk}/")
    assert f'href="/voting/{ballot.pk}/"' in shown.text
    assert f'data-live-where="ballot={ballot.pk}"' in shown.text


def test_every_role_of_a_neighbouring_area_gets_404_on_every_page(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=False)
    cast(voter(areas), ballot, "yes")
    services.ballot_close(ballot=ballot, actor=clerk)
    outsiders = [
        voter(areas, NEXT_COMMUNITY_GRID),
        user_with_role(Role.GRID_WORKER, areas[NEXT_COMMUNITY_GRID]),
        user_with_role(Role.CLERK, areas[NEXT_COMMUNITY]),
        user_with_role(Role.SUPERVISOR, areas["310101002"]),
        user_with_role(Role.HANDLER, areas[NEXT_COMMUNITY]),
    ]
    for outsider in outsiders:
        for suffix in ("", "results/", "results.xlsx", "notice/"):
            assert page(client, outsider, f"/voting/{ballot.pk}/{suffix}").status_code == 404
        assert page(client, outsider, f"/voting/{ballot.pk}/close/", {}).status_code == 404


def test_a_meeting_result_is_entered_and_signed_off_by_another_clerk(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk, channel="meeting", open_now=False, secret=False)
    data = {"method": "hands", "held_on": "2026-11-30", "place": "社区活动室",
            "expected": "50", "attended": "40", "count-yes": "30", "count-no": "6",
            "count-abstain": "4", "minutes": "居民代表会议"}  # fmt: skip
    page(client, clerk, f"/voting/{ballot.pk}/meeting/", data)
    refused = page(client, clerk, f"/voting/{ballot.pk}/meeting/sign-off/", {})
    assert refused.status_code == 403
    second = user_with_role(Role.CLERK, areas["310101001001"])
    shown = page(client, second, f"/voting/{ballot.pk}/")
    assert "复核无误，确认生效" in shown.text
    page(client, second, f"/voting/{ballot.pk}/meeting/sign-off/", {})
    ballot.refresh_from_db()
    assert ballot.outcome["result"] == "passed"


def test_a_manager_records_minutes_and_the_publication_period(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    cast(voter(areas), ballot, "yes")
    services.ballot_close(ballot=ballot, actor=clerk)
    data = {"minutes": "居民代表会议纪要", "publish_until": "2099-01-31"}
    assert page(client, clerk, f"/voting/{ballot.pk}/publish/", data).status_code == 302
    notice = page(client, voter(areas), f"/voting/{ballot.pk}/notice/").content.decode()
    assert "2099-01-31" in notice and "居民代表会议纪要" in notice
    refused = page(client, voter(areas), f"/voting/{ballot.pk}/publish/", data)
    assert refused.status_code == 403
    early = page(client, clerk, f"/voting/{ballot.pk}/publish/", {"publish_until": "2000-01-01"})
    assert early.status_code == 422
