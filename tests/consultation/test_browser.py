"""Real Chromium against the served app (uvicorn, WebSockets): a resident proposes a
topic on a phone, a neighbour supports it, the clerk puts it on the agenda and opens the
deliberation, and a comment appears on another resident's open topic page without a
reload. Screenshots in var/screenshots (consultation-*.png)."""

import pytest

from accounts.models import Role
from consultation.models import Phase, Topic, TopicStatus
from tests.consultation.conftest import COMMUNITY, GRID, resident_of
from tests.e2e.conftest import DESKTOP, PHONE, browser, foreign_requests, screenshot, served
from tests.factories import make_resident, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "served"]  # fixtures of the browser tests, used here too

TITLE = "3号楼加装电梯"
DESCRIPTION = "3号楼是七层老楼，住着不少行动不便的老人，申请启动加装电梯议事。"
COMMENT = "支持加装，一楼的采光问题可以在方案里协商补偿。"


def test_propose_support_agenda_deliberate_and_a_live_comment(browser, served, areas):
    proposer = resident_of(areas, GRID, "李秀英")
    neighbour = resident_of(areas, GRID, "王建国")
    for n in range(13):  # fifteen households: one fifth is three, two supports are not
        make_resident(GRID, name=f"邻居{n}")
    clerk = user_with_role(Role.CLERK, areas[COMMUNITY], display_name="窗口小陈")
    cookies = {who: served.session_cookie(user) for who, user in
               (("proposer", proposer), ("neighbour", neighbour), ("clerk", clerk))}  # fmt: skip

    def propose(page, requests):
        page.context.add_cookies([cookies["proposer"]])
        page.goto(f"{served.url}/topics/new/")
        page.locator("#area").select_option(str(areas[GRID].pk))
        page.locator("#title").fill(TITLE)
        page.locator("#description").fill(DESCRIPTION)
        screenshot(page, "consultation-propose-phone")
        page.get_by_role("button", name="提交").click()
        page.locator(".topic-head h1", has_text=TITLE).wait_for()
        screenshot(page, "consultation-proposed-phone")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        return page.url, widths, foreign_requests(requests, served.url)

    url, (scroll, width), foreign = browser.run(propose, viewport=PHONE)
    assert scroll <= width and foreign == []
    topic = Topic.objects.get(title=TITLE)
    assert topic.status == TopicStatus.PROPOSED and topic.supports.count() == 1

    def support(page, requests):
        page.context.add_cookies([cookies["neighbour"]])
        page.goto(url)
        page.get_by_role("button", name="我支持").click()
        page.locator("#topic-supports", has_text="您已联署").wait_for()
        screenshot(page, "consultation-supported-phone")
        return page.locator(".support-count").inner_text()

    assert "2 / 3" in browser.run(support, viewport=PHONE)

    def decide(page, requests):
        page.context.add_cookies([cookies["clerk"]])
        page.goto(url)
        page.get_by_role("button", name="列入议程").click()
        page.locator("#next-phase").select_option("deliberate")
        page.get_by_role("button", name="进入", exact=True).click()
        page.locator(".phase-current", has_text="协商").wait_for()
        screenshot(page, "consultation-deliberate-clerk-desktop")
        return foreign_requests(requests, served.url)

    assert browser.run(decide, viewport=DESKTOP) == []
    topic.refresh_from_db()
    assert (topic.status, topic.phase) == (TopicStatus.AGENDA, Phase.DELIBERATE)

    def watch(page):
        page.context.add_cookies([cookies["neighbour"]])
        page.goto(url)
        page.locator("#live-status[data-state='live']").wait_for()
        page.evaluate("window.__notReloaded = true")

    watching = browser.open(watch, viewport=PHONE)

    def comment(page, requests):
        page.context.add_cookies([cookies["proposer"]])
        page.goto(url)
        page.locator("label.stance-for input").first.check()
        page.locator("#comment-body").fill(COMMENT)
        page.get_by_role("button", name="发表").click()
        page.locator("#topic-comments", has_text=COMMENT).wait_for()

    browser.run(comment, viewport=PHONE)

    def appears(page):
        page.locator("#topic-comments", has_text=COMMENT).wait_for(timeout=10_000)
        screenshot(page, "consultation-live-comment-phone")
        not_reloaded = page.evaluate("window.__notReloaded === true")
        page.context.close()
        return not_reloaded

    assert browser.on_page(watching, appears)
