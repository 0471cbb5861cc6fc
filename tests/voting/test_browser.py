"""Real Chromium on a 390 px phone: residents of two households vote on a household
ballot (the second member of the first household is refused without a name), the clerk
closes it on the desktop, and the result with its arithmetic and the 公示 are shown.
Screenshots in var/screenshots."""

import pytest

from accounts.models import Role
from tests.e2e.conftest import DESKTOP, browser, foreign_requests, log_in, screenshot
from tests.factories import make_resident, user_with_role
from tests.voting.conftest import make_ballot, make_topic, member, user_for
from voting.rules import Rules, share_named

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]
GRID = "310101001001001"


def test_two_households_vote_and_the_result_is_published(browser, live_server, areas):
    clerk = user_with_role(Role.CLERK, areas["310101001001"], display_name="社区小陈")
    rules = Rules(quorum=share_named("more_than_half"), threshold=share_named("two_thirds"))
    ballot = make_ballot(make_topic(areas), clerk, eligibility_rule="household", rules=rules)
    first = make_resident(GRID, name="李秀英")
    users = {
        "first": user_for(first, areas, "李秀英"),
        "spouse": user_for(member(first.household, name="张伟"), areas, "张伟"),
        "second": user_for(make_resident(GRID, name="王建国"), areas, "王建国"),
    }
    url = f"{live_server.url}/voting/{ballot.pk}/"

    def vote(page, requests, who: str, choice: str):
        log_in(page, live_server.url, users[who].username)
        page.goto(url)
        screenshot(page, f"voting-ballot-{who}-phone")
        page.get_by_label(choice).check()
        page.get_by_role("button", name="提交投票").click()
        page.locator(".receipt-code").wait_for()
        screenshot(page, f"voting-receipt-{who}-phone")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        return (
            page.locator(".receipt-code").inner_text(),
            widths,
            foreign_requests(requests, live_server.url),
        )

    receipt, widths, foreign = browser.run(lambda p, r: vote(p, r, "first", "赞成"))
    assert len(receipt) == 14 and widths[0] <= widths[1] and foreign == []

    def refused(page, requests):
        log_in(page, live_server.url, users["spouse"].username)
        page.goto(url)
        screenshot(page, "voting-household-voted-phone")
        return page.locator(".my-vote").inner_text()

    text = browser.run(refused)
    assert "您家已经有成员投过票了" in text and "李秀英" not in text
    browser.run(lambda p, r: vote(p, r, "second", "赞成"))

    def close(page, requests):
        log_in(page, live_server.url, clerk.username)
        page.goto(url)
        page.get_by_role("button", name="结束投票并计票").click()
        page.get_by_role("link", name="查看表决结果").click()
        page.locator(".result").wait_for()
        screenshot(page, "voting-results-clerk-desktop")
        page.goto(f"{url}notice/")
        screenshot(page, "voting-notice-desktop")
        return page.locator("body").inner_text()

    notice = browser.run(close, viewport=DESKTOP)
    assert "表决结果公示" in notice and "公示期" in notice

    def results(page, requests):
        log_in(page, live_server.url, users["first"].username)
        page.goto(f"{url}results/")
        screenshot(page, "voting-results-resident-phone")
        return page.locator(".ballot-results").inner_text()

    shown = browser.run(results)
    assert "通过" in shown and "参与表决 2 户" in shown
