"""Under the Content-Security-Policy the pages still work in Chromium, and nothing on
them is blocked: the language switcher, the map with its legend, the report form's map
and Swagger UI at /api/v1/docs."""

import pytest

from tests.e2e.conftest import DESKTOP, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watching_csp(page) -> list[str]:
    """Every CSP violation the page reports, as Chromium's console words it."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked


def test_pages_work_and_nothing_is_blocked_by_the_policy(browser, live_server, people):
    def scenario(page, requests):
        blocked = watching_csp(page)
        log_in(page, live_server.url, people["grid_worker"].username)
        # the language select sends its form from site.js, not an inline handler
        with page.expect_navigation():
            page.select_option("select[name=language]", "en")
        english = page.locator("html").get_attribute("lang")
        with page.expect_navigation():
            page.select_option("select[name=language]", "zh-hans")
        # the role's map (npm's Leaflet and plugins), then the outline page with its legend
        page.goto(f"{live_server.url}/maps/")
        page.locator("#map[data-ready='1']").wait_for()
        page.goto(f"{live_server.url}/maps/310101001001001/")
        page.locator("#area-map[data-features]").wait_for()
        swatch = page.locator(".legend .swatch").first.evaluate(
            "el => getComputedStyle(el).borderTopColor"
        )
        page.goto(f"{live_server.url}/cases/report/")
        page.locator("#report-map .leaflet-container, #report-map.leaflet-container").wait_for()
        page.goto(f"{live_server.url}/api/v1/docs")
        page.locator(".swagger-ui .opblock").first.wait_for()
        return english, swatch, blocked

    english, swatch, blocked = browser.run(scenario, viewport=DESKTOP)
    assert english == "en"
    assert swatch not in ("", "rgb(0, 0, 0)")  # the legend colour came through
    assert blocked == []
