"""The map as the place where work happens, in Chromium against the served app: a grid
worker reports by tapping the map on a phone and sees the case on it; a supervisor filters
the command map, switches the shading, opens a case from a count and dispatches it from
the side panel; a resident finds an address and reports; an admin moves a grid vertex,
sees the live check and saves. Screenshots go to var/screenshots/map-*.png."""

import re
import uuid

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accounts.services_provision import totp_device_provision
from feedback.models import Case, CaseState
from grid.models import Area
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, foreign_requests, screenshot
from tests.factories import grid_centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = "310101001001001"
OTP_KEY = b"mapfront-test-key-20"


def screen(page, name: str) -> None:
    """What the phone shows (the sheet is fixed to the screen: a full-page picture would
    put it over the wrong part of the page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def tap_and_report(page, text: str) -> str:
    page.locator("#map[data-ready='1']").wait_for()
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
    page.locator("#report-sheet").wait_for()
    page.locator("select[name=category]").select_option(label="占道经营")
    page.locator("textarea[name=description]").fill(text)
    screen(page, "map-worker-sheet-phone")
    page.get_by_role("button", name="提交上报").click()
    page.locator("#report-done").wait_for()
    return page.locator("#report-done [data-number]").inner_text()


def test_a_grid_worker_reports_by_tapping_the_map_and_sees_the_case_on_it(
    browser, served, people, stall_category
):
    cookie = served.session_cookie(people["grid_worker"])

    def report(page, requests):
        page.context.add_cookies([cookie])
        page.goto(f"{served.url}/maps/")
        screenshot(page, "map-worker-phone")
        number = tap_and_report(page, "巡查发现人行道上有摊贩占道")
        page.locator(f".case-point[data-number='{number}']").wait_for()
        page.locator(".leaflet-popup", has_text=number).wait_for()
        screenshot(page, "map-worker-reported-phone")
        return number, foreign_requests(requests, served.url)

    number, leaked = browser.run(report, viewport=PHONE)
    case = Case.objects.get(number=number)
    assert case.reporter == people["grid_worker"] and case.area_code == GRID
    assert leaked == []


def test_the_gps_refusal_is_said_plainly(browser, served, people):
    cookie = served.session_cookie(people["grid_worker"])

    def refuse(page, requests):
        page.context.add_cookies([cookie])
        page.goto(f"{served.url}/maps/")
        page.locator("#map[data-ready='1']").wait_for()
        page.get_by_role("button", name="我的位置").click()
        page.locator("#map-status", has_text="拒绝了位置权限").wait_for()
        return page.locator("#map-status").inner_text()

    assert "在地图上点选" in browser.run(refuse, viewport=PHONE)


def test_a_resident_finds_an_address_and_reports_there(browser, served, people, stall_category):
    cookie = served.session_cookie(people["resident"])
    address = people["resident"].resident.household.building.address

    def search_and_report(page, requests):
        page.context.add_cookies([cookie])
        page.goto(f"{served.url}/maps/")
        page.locator("#map[data-ready='1']").wait_for()
        page.locator("#map-search input[name=q]").fill(address)
        page.get_by_role("button", name="搜索", exact=True).click()
        page.locator("#search-results button", has_text=address).first.click()
        page.locator("#report-sheet").wait_for()
        assert page.locator("input[name=address]").input_value().startswith(address)
        screen(page, "map-resident-search-phone")
        page.locator("select[name=category]").select_option(label="占道经营")
        page.locator("textarea[name=description]").fill("楼下有人占道卖菜")
        page.get_by_role("button", name="提交上报").click()
        page.locator("#report-done").wait_for()
        screenshot(page, "map-resident-reported-phone")
        return page.locator("#report-done [data-number]").inner_text()

    number = browser.run(search_and_report, viewport=PHONE)
    case = Case.objects.get(number=number)
    point = grid_centre(GRID)
    assert case.reporter == people["resident"]
    assert abs(case.location.x - point.x) < 1e-5 and abs(case.location.y - point.y) < 1e-5


def open_counts_until_a_case_shows(page) -> None:
    """Click the server's count (low zoom) or markercluster's group until dots show."""
    for _attempt in range(5):
        if page.locator(".case-point").count():
            return
        page.locator(".case-cluster, .marker-cluster").first.click()
        page.wait_for_timeout(800)
    page.locator(".case-point").first.wait_for()


def open_a_case_in_the_panel(page) -> None:
    """Click a case dot until its panel shows: a redraw (the map settling after the zoom,
    a live event) may replace the dot between finding and clicking it; the click goes to
    the dot itself, not to whatever lies on top of its centre."""
    for _attempt in range(3):
        page.locator(".case-point").first.dispatch_event("click")
        try:
            page.locator("#side-panel #action-dispatch").wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            continue
    page.locator("#side-panel #action-dispatch").wait_for()


def test_a_supervisor_filters_shades_opens_a_case_from_a_count_and_dispatches_it(
    browser, served, people, stall_category
):
    from feedback import services

    point = grid_centre(GRID)
    for offset, text in ((0, "菜场门口占道"), (0.0006, "学校门口占道")):
        case, _ = services.case_report(
            actor=people["grid_worker"],
            client_id=uuid.uuid4(),
            category=stall_category,
            description=text,
            lon=point.x + offset,
            lat=point.y,
        )
        services.case_register(actor=people["supervisor"], case_id=case.pk, note="")
    cookie = served.session_cookie(people["supervisor"])

    def command(page, requests):
        page.context.add_cookies([cookie])
        page.goto(f"{served.url}/maps/")
        page.wait_for_url(re.compile(r"/maps/command/$"))
        page.locator("#map[data-ready='1']").wait_for()
        page.locator("#map-filters select[name=state]").select_option(value=CaseState.REGISTERED)
        page.locator("#map[data-ready='1']").wait_for()
        page.locator("#map-filters input[name=metric][value=overdue]").check()
        page.locator("#choropleth-legend", has_text="已超期").wait_for()
        page.locator("#map-filters input[name=metric][value=open]").check()
        screenshot(page, "map-command-desktop")
        open_counts_until_a_case_shows(page)
        open_a_case_in_the_panel(page)
        screenshot(page, "map-command-case-panel-desktop")
        page.locator("#action-dispatch button[type=submit]").click()
        page.locator("#side-panel .state", has_text="处置中").wait_for()
        screenshot(page, "map-command-dispatched-desktop")
        return page.url, foreign_requests(requests, served.url)

    url, leaked = browser.run(command, viewport=DESKTOP)
    assert url.endswith("/maps/command/")
    assert Case.objects.filter(state=CaseState.DISPATCHED).count() == 1
    assert leaked == []


def test_an_admin_moves_a_vertex_sees_the_check_and_saves(browser, served, people):
    totp_device_provision(user=people["admin"], key=OTP_KEY, name="test")
    cookie = served.session_cookie(people["admin"])
    before = Area.objects.get(code=GRID).boundary.wkt

    def edit(page, requests):
        page.context.add_cookies([cookie])
        page.goto(f"{served.url}/maps/{GRID}/edit/")
        # a superuser always confirms a one-time code, as a person would
        page.locator("input[name=code]").fill(f"{TOTP(OTP_KEY).token():06d}")
        page.locator("form:has(input[name=code]) button").click()
        page.wait_for_url(f"{served.url}/maps/{GRID}/edit/")
        page.locator("#map[data-ready='1']").wait_for()
        page.locator("#check-result[data-state='done']").wait_for()
        # a corner moved a quarter of the way to the middle: inside the community,
        # over no neighbour
        shape = page.locator("path.edited-grid").bounding_box()
        middle = (shape["x"] + shape["width"] / 2, shape["y"] + shape["height"] / 2)
        vertex = page.locator(".marker-icon:not(.marker-icon-middle)").first.bounding_box()
        x, y = vertex["x"] + vertex["width"] / 2, vertex["y"] + vertex["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + (middle[0] - x) / 4, y + (middle[1] - y) / 4, steps=8)
        page.mouse.up()
        page.locator("#save-status[data-state='dirty']").wait_for()
        page.locator("#check-result[data-state='done']").wait_for()
        screenshot(page, "map-admin-editor-desktop")
        page.get_by_role("button", name="保存边界").click()
        page.locator("#save-status:is([data-state='saved'], [data-state='error'])").wait_for()
        screenshot(page, "map-admin-saved-desktop")
        return page.locator("#save-status").get_attribute("data-state")

    state = browser.run(edit, viewport=DESKTOP)
    assert state == "saved"
    assert Area.objects.get(code=GRID).boundary.wkt != before
