"""The whole 六事 in real Chromium against the served app, every step through the pages:
a resident proposes (提事), a neighbour supports, the clerk puts it on the agenda (定事)
and opens deliberation (议事), then a household ballot (决事) in which two households
vote and the second member of the first is refused; the clerk closes it and the result
is published (公示); a follow-up action is added (办事) and the resident rates it (评事)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from consultation.models import Phase, Topic
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, screenshot
from tests.factories import make_resident, user_with_role
from tests.voting.conftest import member, user_for
from voting.models import Ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID, COMMUNITY = "310101001001001", "310101001001"
TITLE = "5号楼楼道加装照明"
LOCAL = "%Y-%m-%dT%H:%M"


def test_a_matter_goes_from_proposal_to_a_rated_follow_up(browser, served, areas):
    proposer_home = make_resident(GRID, name="李秀英")
    people = {
        "proposer": user_for(proposer_home, areas, "李秀英"),
        "spouse": user_for(member(proposer_home.household, name="张伟"), areas, "张伟"),
        "neighbour": user_for(make_resident(GRID, name="王建国"), areas, "王建国"),
        "clerk": user_with_role(Role.CLERK, areas[COMMUNITY], display_name="窗口小陈"),
    }
    for n in range(8):  # ten households in the grid: one fifth is two supports
        make_resident(GRID, name=f"邻居{n}")
    cookies = {who: served.session_cookie(user) for who, user in people.items()}
    base = served.url

    def as_(who: str, viewport: dict, steps):
        def scenario(page, requests):
            page.set_viewport_size(viewport)
            page.context.add_cookies([cookies[who]])
            result = steps(page)
            return result, foreign_requests(requests, base)

        result, leaked = browser.run(scenario, viewport=viewport)
        assert leaked == [], who
        return result

    def propose(page):
        page.goto(f"{base}/topics/new/")
        page.locator("#area").select_option(str(areas[GRID].pk))
        page.locator("#title").fill(TITLE)
        page.locator("#description").fill("5号楼楼道夜里没有灯，老人上下楼摔倒过，建议加装声控灯。")
        page.get_by_role("button", name="提交").click()
        page.locator(".topic-head h1", has_text=TITLE).wait_for()
        return page.url

    topic_url = as_("proposer", PHONE, propose)

    def support(page):
        page.goto(topic_url)
        page.get_by_role("button", name="我支持").click()
        page.wait_for_load_state()
        screenshot(page, "co-governance-supported-phone")

    as_("neighbour", PHONE, support)
    # two of ten households: one fifth, so the topic reached the agenda by itself
    assert Topic.objects.get(title=TITLE).status == "agenda"

    def agenda_then_vote_phase(page):
        page.goto(topic_url)
        if page.get_by_role("button", name="列入议程").count():
            page.get_by_role("button", name="列入议程").click()
        for phase, label in (("deliberate", "协商"), ("vote", "表决")):
            page.locator("#next-phase").select_option(phase)
            page.get_by_role("button", name="进入", exact=True).click()
            page.locator(".phase-current", has_text=label).wait_for()

    as_("clerk", DESKTOP, agenda_then_vote_phase)
    topic = Topic.objects.get(title=TITLE)
    assert topic.phase == Phase.VOTE

    now = timezone.localtime()

    def set_up_ballot(page):
        page.goto(f"{base}/voting/new/{topic.pk}/")
        page.locator("#id_kind").select_option("yes_no")
        page.locator("#id_question").fill("是否同意在5号楼楼道加装声控灯")
        page.locator("#id_eligibility").select_option("household")
        page.locator("#id_channel").select_option("online")
        page.locator("#id_opens_at").fill((now - dt.timedelta(minutes=1)).strftime(LOCAL))
        page.locator("#id_closes_at").fill((now + dt.timedelta(days=3)).strftime(LOCAL))
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"{base}/voting/*/")
        if page.get_by_role("button", name="现在开始投票").count():
            page.get_by_role("button", name="现在开始投票").click()
        screenshot(page, "co-governance-ballot-clerk-desktop")
        return page.url

    ballot_url = as_("clerk", DESKTOP, set_up_ballot)
    ballot = Ballot.objects.get(topic=topic)

    def vote(page):
        page.goto(ballot_url)
        page.get_by_label("赞成").check()
        page.get_by_role("button", name="提交投票").click()
        return page.locator(".receipt-code").inner_text()

    assert as_("proposer", PHONE, vote)

    def second_member(page):
        page.goto(ballot_url)
        screenshot(page, "co-governance-household-voted-phone")
        return page.locator(".my-vote").inner_text()

    refused = as_("spouse", PHONE, second_member)
    assert "您家已经有成员投过票了" in refused and "李秀英" not in refused
    assert as_("neighbour", PHONE, vote)

    def close_and_publish_follow_up(page):
        page.goto(ballot_url)
        page.get_by_role("button", name="结束投票并计票").click()
        page.get_by_role("link", name="查看表决结果").click()
        page.locator(".result").wait_for()
        results = page.locator(".ballot-results").inner_text()
        page.goto(topic_url)
        for phase, label in (("publish", "公示"), ("follow_up", "落实")):
            page.locator("#next-phase").select_option(phase)
            page.get_by_role("button", name="进入", exact=True).click()
            page.locator(".phase-current", has_text=label).wait_for()
        page.wait_for_load_state("networkidle")
        page.get_by_text("添加落实事项").click()
        page.locator("#action-title").fill("采购并安装声控灯 12 盏")
        page.locator("#action-owner").fill("社区物业服务中心")
        page.get_by_role("button", name="添加").click()
        page.locator("#topic-follow-up", has_text="采购并安装声控灯").wait_for()
        return results

    results = as_("clerk", DESKTOP, close_and_publish_follow_up)
    assert "通过" in results and "参与表决 2 户" in results

    def rate(page):
        page.goto(topic_url)
        page.locator(".rate-form input[name=score][value='5']").check()
        page.get_by_role("button", name="提交评议").click()
        page.locator(".rating-summary", has_text="5.0").wait_for()
        screenshot(page, "co-governance-rated-phone")
        return page.locator(".rating-summary").inner_text()

    assert "1 位居民评议" in as_("proposer", PHONE, rate)
    ballot.refresh_from_db()
    assert ballot.closed_at is not None
    assert ballot.votes.count() == 2
