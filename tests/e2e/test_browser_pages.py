"""Real Chromium through the login form, the home sections, the map and the language
switcher; no request may leave the live server."""

import pytest

from maps.selectors import area_boundaries
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = {
    "resident": ("#section-resident", "李秀英"),
    "grid_worker": ("#section-grid-worker", "第1-1-1网格"),
    "clerk": ("#section-clerk", "身份证号"),
    "handler": ("#section-handler", "街道城管科"),
    "supervisor": ("#section-supervisor", "第1-1社区"),
    "admin": ("#section-admin", "进入管理后台"),
}


@pytest.mark.parametrize("role", list(SECTIONS))
def test_each_role_logs_in_through_the_form_and_lands_on_their_section(
    browser, live_server, people, role
):
    selector, expected_text = SECTIONS[role]
    others = [s for r, (s, _text) in SECTIONS.items() if r != role]

    def scenario(page, requests):
        log_in(page, live_server.url, people[role].username)
        section = page.locator(selector)
        section.wait_for()
        found = {
            "text": section.inner_text(),
            "others": [s for s in others if page.locator(s).count()],
        }
        screenshot(page, f"home-{role}-phone")
        return found, foreign_requests(requests, live_server.url)

    (found, foreign) = browser.run(scenario, viewport=PHONE)
    assert expected_text in found["text"]
    assert found["others"] == []
    assert foreign == []


def test_home_on_a_desktop_screen(browser, live_server, people):
    def scenario(page, requests):
        log_in(page, live_server.url, people["supervisor"].username)
        page.locator("#section-supervisor table").wait_for()
        screenshot(page, "home-supervisor-desktop")
        return foreign_requests(requests, live_server.url)

    assert browser.run(scenario, viewport=DESKTOP) == []


def test_map_draws_every_area_in_scope_and_names_a_clicked_grid(browser, live_server, people):
    # given a street supervisor: the street, its 2 communities and 4 grids
    expected = area_boundaries(user=people["supervisor"]).count()

    def scenario(page, requests):
        log_in(page, live_server.url, people["supervisor"].username)
        # the street's own area map (/maps/ itself is the supervisor's command map)
        page.goto(f"{live_server.url}/maps/310101001/")
        page.locator("#area-map[data-features]").wait_for()
        drawn = page.locator("#area-map path.leaflet-interactive").count()
        # when the first grid (lowest code) is clicked
        page.locator("#area-map path.area-level-4").first.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        page.wait_for_timeout(400)  # let the popup fade in before the picture
        screenshot(page, "map-supervisor-desktop")
        return drawn, text, foreign_requests(requests, live_server.url)

    drawn, popup_text, foreign = browser.run(scenario, viewport=DESKTOP)
    # then every area is one path, and the popup names the grid
    assert expected == 7
    assert drawn == expected
    assert "第1-1-1网格" in popup_text and "310101001001001" in popup_text
    assert foreign == []


def test_grid_worker_follows_the_link_to_the_map_of_their_grid(browser, live_server, people):
    def scenario(page, requests):
        log_in(page, live_server.url, people["grid_worker"].username)
        page.get_by_role("link", name="查看地图").first.click()
        page.locator("#area-map[data-features]").wait_for()
        drawn = page.locator("#area-map path.leaflet-interactive").count()
        screenshot(page, "map-grid_worker-phone")
        return page.url, drawn, foreign_requests(requests, live_server.url)

    url, drawn, foreign = browser.run(scenario, viewport=PHONE)
    assert url.endswith("/maps/310101001001001/")
    assert drawn == 1
    assert foreign == []


def test_clerk_searches_a_resident_and_sees_the_id_number_masked(browser, live_server, people):
    number = people["resident"].resident.id_number

    def scenario(page, requests):
        log_in(page, live_server.url, people["clerk"].username)
        page.locator("#id_number_search").type(number)
        page.get_by_role("button", name="查询").click()
        page.locator("#clerk-results").wait_for()
        screenshot(page, "home-clerk-search-phone")
        return page.locator("#clerk-results").inner_text(), page.content(), page.url

    results, html, url = browser.run(scenario, viewport=PHONE)
    assert "李秀英" in results
    assert number[:6] + "********" + number[-4:] in results
    assert number not in html and number not in url


def test_language_switcher_turns_the_page_english_and_back(browser, live_server, people):
    def scenario(page, requests):
        log_in(page, live_server.url, people["grid_worker"].username)
        page.locator("select[name=language]").select_option("en")
        page.wait_for_load_state()
        page.get_by_role("heading", name="My workbench").wait_for()
        english = page.locator("main").inner_text()
        screenshot(page, "home-grid_worker-english-phone")
        page.locator("select[name=language]").select_option("zh-hans")
        page.get_by_role("heading", name="我的工作台").wait_for()
        return (
            english,
            page.locator("main").inner_text(),
            foreign_requests(requests, live_server.url),
        )

    english, chinese, foreign = browser.run(scenario, viewport=PHONE)
    assert "My grids" in english and "我的网格" not in english
    assert "我的网格" in chinese
    assert foreign == []


def test_admin_edits_a_boundary_on_a_leaflet_map_without_leaving_the_server(
    browser, live_server, people, areas
):
    area = areas["310101001001001"]

    def scenario(page, requests):
        log_in(page, live_server.url, people["admin"].username)
        page.goto(f"{live_server.url}/admin/grid/area/{area.pk}/change/")
        page.locator(".leaflet-container path.leaflet-interactive").first.wait_for()
        drawn = page.locator(".leaflet-container path.leaflet-interactive").count()
        screenshot(page, "admin-area-desktop")
        return drawn, foreign_requests(requests, live_server.url)

    drawn, foreign = browser.run(scenario, viewport=DESKTOP)
    assert drawn == 1
    assert foreign == []
