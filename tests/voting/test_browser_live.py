"""An open ballot's count follows the votes live: the clerk's open ballot page shows a
resident's vote, cast from a phone, without a reload (the app as served: uvicorn,
WebSockets, the ballot.tally event)."""

import pytest

from accounts.models import Role
from tests.e2e.conftest import DESKTOP, PHONE, browser, screenshot
from tests.e2e.served import served
from tests.factories import user_with_role
from tests.voting.conftest import make_ballot, make_topic, voter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "served"]
LIVE = "#live-status[data-state='live']"


def test_the_open_ballots_count_moves_on_the_clerks_page(browser, served, areas):
    clerk = user_with_role(Role.CLERK, areas["310101001001"])
    ballot = make_ballot(make_topic(areas), clerk, secret=False)
    resident = voter(areas, name="李秀英")
    cookies = {"clerk": served.session_cookie(clerk), "resident": served.session_cookie(resident)}
    url = f"{served.url}/voting/{ballot.pk}/"

    def watch_and_vote(page, requests):
        chromium = page.context.browser
        staff = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
        staff.add_cookies([cookies["clerk"]])
        watcher = staff.new_page()
        watcher.set_default_timeout(15_000)
        watcher.goto(url)
        watcher.locator(LIVE).wait_for()
        watcher.evaluate("window.__notReloaded = true")
        phone = chromium.new_context(viewport=PHONE, locale="zh-CN")
        phone.add_cookies([cookies["resident"]])
        mine = phone.new_page()
        mine.set_default_timeout(15_000)
        mine.goto(url)
        mine.get_by_label("赞成").check()
        mine.get_by_role("button", name="提交投票").click()
        mine.locator(".receipt-code").wait_for()
        watcher.locator(f"#ballot-{ballot.pk} .tally-votes", has_text="1").first.wait_for(
            timeout=10_000
        )
        screenshot(watcher, "voting-live-tally-desktop")
        return watcher.evaluate("window.__notReloaded === true"), watcher.locator(
            f"#ballot-{ballot.pk} .tally"
        ).inner_text()

    not_reloaded, tally = browser.run(watch_and_vote)
    assert not_reloaded
    assert "1 票" in tally.split("反对")[0]
