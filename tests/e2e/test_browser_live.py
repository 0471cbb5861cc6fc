"""Live pages in real Chromium against the app as served (uvicorn, WebSockets, relay):
what one person does shows on another's open page without a reload; a dropped link is
shown, and the page catches up when the server is back."""

import re

import pytest

from feedback.models import Case
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, screenshot
from tests.e2e.served import start, stop
from tests.factories import grid_centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = "#live-status[data-state='live']"


def mark_loaded(page) -> None:
    """A flag that a reload would wipe: the update must come without one."""
    page.evaluate("window.__notReloaded = true")


def not_reloaded(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def patrol_report(page, base: str, text: str) -> str:
    page.goto(f"{base}/cases/report/")
    page.locator("#id_category").select_option(label="占道经营")
    page.locator("#id_description").fill(text)
    page.locator("#report-map[data-ready='1']").wait_for()
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    page.get_by_role("button", name="提交上报").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    return page.locator("h1 small").inner_text()


def test_a_workers_report_appears_on_the_supervisors_open_pages(
    browser, served, people, stall_category
):
    base = served.url
    # the sessions are made here, in the test's thread, which may use the ORM
    cookies = {who: served.session_cookie(people[who]) for who in ("supervisor", "grid_worker")}

    def side_by_side(page, requests):
        chromium = page.context.browser
        pages = {}
        for who, viewport in (
            ("queue", DESKTOP), ("home", DESKTOP), ("map", DESKTOP), ("worker", PHONE)
        ):  # fmt: skip
            context = chromium.new_context(viewport=viewport, locale="zh-CN")
            context.set_default_timeout(15_000)
            user = "grid_worker" if who == "worker" else "supervisor"
            context.add_cookies([cookies[user]])
            context.on("request", lambda request: requests.append(request.url))
            pages[who] = context.new_page()
        queue, home, worker, on_map = (pages[k] for k in ("queue", "home", "worker", "map"))
        queue.goto(f"{base}/cases/queue/")
        home.goto(f"{base}/")
        on_map.goto(f"{base}/maps/")
        for open_page in (queue, home, on_map):
            open_page.locator(LIVE).wait_for()
            mark_loaded(open_page)
        before = home.locator("#live-counters [data-key='reported'] .n").inner_text()
        # the grid worker reports from the phone
        number = patrol_report(worker, base, "巡查发现菜场门口占道经营")
        # the supervisor's queue and home counters show it, without a reload
        queue.locator("#live-queue", has_text=number).wait_for(timeout=10_000)
        home.locator(
            "#live-counters [data-key='reported'] .n", has_text=str(int(before) + 1)
        ).wait_for(timeout=10_000)
        on_map.locator(f".live-case[data-number='{number}']").wait_for(timeout=10_000)
        assert on_map.locator(".live-case").get_attribute("data-state") == "reported"
        assert not_reloaded(queue) and not_reloaded(home) and not_reloaded(on_map)
        screenshot(on_map, "live-map-desktop")
        screenshot(queue, "live-queue-desktop")
        screenshot(home, "live-home-counters-desktop")
        return number, foreign_requests(requests, base)

    number, leaked = browser.run(side_by_side)
    assert Case.objects.filter(number=number, reporter=people["grid_worker"]).exists()
    assert leaked == []


def test_a_residents_case_page_follows_the_supervisors_dispatch(
    browser, served, people, stall_category
):
    from tests.e2e.test_browser_cases import resident_reports

    base = served.url
    cookies = {who: served.session_cookie(people[who]) for who in ("supervisor", "resident")}

    def dispatch_while_resident_watches(page, requests):
        chromium = page.context.browser
        mine = chromium.new_context(viewport=PHONE, locale="zh-CN")
        mine.add_cookies([cookies["resident"]])
        resident = mine.new_page()
        resident.set_default_timeout(15_000)
        number = resident_reports(resident, base)
        resident.goto(f"{base}/cases/mine/")
        resident.locator(f"[data-number='{number}'] a").click()
        resident.locator(LIVE).wait_for()
        mark_loaded(resident)
        staff = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
        staff.add_cookies([cookies["supervisor"]])
        supervisor = staff.new_page()
        supervisor.set_default_timeout(15_000)
        supervisor.goto(resident.url)
        supervisor.locator("#action-register button").click()
        supervisor.locator("#action-dispatch").wait_for()
        supervisor.locator("#action-dispatch button").click()
        supervisor.locator("#case-state", has_text="处置中").wait_for()
        # the resident's open page changes state by itself, and the header counts the
        # two messages the projector wrote for them (registered, dispatched)
        resident.locator("#case-state", has_text="处置中").wait_for(timeout=10_000)
        resident.locator("#inbox-count[data-count='2']").wait_for(timeout=10_000)
        assert resident.locator("#inbox-count").inner_text() == "2"
        assert not_reloaded(resident)
        screenshot(resident, "live-case-dispatched-phone")
        return number

    number = browser.run(dispatch_while_resident_watches)
    assert Case.objects.get(number=number).state == "dispatched"


def test_the_page_shows_a_dropped_link_and_catches_up_when_the_server_is_back(
    browser, served, people, stall_category, tmp_path
):
    from feedback import services

    base = served.url
    cookie = served.session_cookie(people["supervisor"])
    point = grid_centre("310101001001001")

    def report_while_down():
        import uuid

        case, _ = services.case_report(
            actor=people["grid_worker"],
            client_id=uuid.uuid4(),
            category=stall_category,
            description="服务器重启期间上报的占道经营",
            lon=point.x,
            lat=point.y,
        )
        return case.number

    def open_queue(page):
        page.context.add_cookies([cookie])
        page.goto(f"{base}/cases/queue/")
        page.locator(LIVE).wait_for()
        mark_loaded(page)

    # the supervisor's queue is open and live; the server goes away
    page = browser.open(open_queue, viewport=DESKTOP)
    port = int(base.rsplit(":", 1)[1])
    stop(served)

    def shows_down(page):
        page.locator("#live-status[data-state='down']").wait_for(timeout=10_000)
        screenshot(page, "live-link-down-desktop")
        return page.locator("#live-status").inner_text()

    assert browser.on_page(page, shows_down) == "连接已断开，正在重连"
    # a case is reported while no server runs (another process wrote it to the outbox)
    number = report_while_down()
    again = start(tmp_path, port=port, GONGZHI_RELAY_SECONDS="0.5")
    served.process = again.process  # the fixture stops whatever runs at the end

    def catches_up(page):
        page.locator(LIVE).wait_for(timeout=40_000)
        page.locator("#live-queue", has_text=number).wait_for(timeout=10_000)
        assert not_reloaded(page)
        return True

    assert browser.on_page(page, catches_up)
    browser.on_page(page, lambda page: page.context.close())
