"""Real Chromium: a clerk publishes a notice with an attachment through the form; the
resident finds it on their phone's home page and opens it. Screenshots in var/screenshots."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.utils import timezone

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    browser,
    foreign_requests,
    log_in,
    people,
    screenshot,
    served,
)
from tests.notices.conftest import PDF
from tests.notices.conftest import publish as publish_notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "people", "served"]  # fixtures of the browser tests, used here too

TITLE = "关于 6 月 20 日小区二次供水设施清洗停水的通知"
BODY = (
    "各位居民：\n因二次供水设施年度清洗，6 月 20 日 9:00 至 15:00 第1-1社区全部楼栋停水，"
    "请提前储水。如有困难请联系社区居委会，电话 021-5555 0101。"
)


def test_a_clerk_publishes_and_a_resident_reads_it_on_the_phone(
    browser, live_server, people, tmp_path
):
    attachment = tmp_path / "停水范围示意.pdf"
    attachment.write_bytes(PDF)
    last_day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()

    def publish(page, requests):
        log_in(page, live_server.url, people["clerk"].username)
        page.goto(f"{live_server.url}/notices/new/")
        page.locator("#id_title").fill("")  # sent empty first: the form comes back, kept
        page.locator("#id_body").fill(BODY)
        page.locator("#id_area").select_option("310101001001")
        page.get_by_role("button", name="发布").click()
        page.locator(".field-title .errorlist").wait_for()
        screenshot(page, "notices-form-error-desktop")
        kept = page.locator("#id_body").input_value()
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_expires_on").fill(last_day)
        page.locator("#id_pinned").check()
        page.locator("#id_attachments").set_input_files(str(attachment))
        page.get_by_role("button", name="发布").click()
        page.locator(".notice-detail h1").wait_for()
        screenshot(page, "notices-detail-clerk-desktop")
        page.goto(f"{live_server.url}/notices/")
        screenshot(page, "notices-list-clerk-desktop")
        return kept, foreign_requests(requests, live_server.url)

    kept, foreign = browser.run(publish, viewport=DESKTOP)
    assert kept == BODY and foreign == []

    def read(page, requests):
        log_in(page, live_server.url, people["resident"].username)
        home = page.locator("#notices")
        home.wait_for()
        screenshot(page, "notices-home-resident-phone")
        text = home.inner_text()
        home.get_by_role("link", name=TITLE).click()
        page.locator(".notice-detail h1").wait_for()
        screenshot(page, "notices-detail-resident-phone")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        return (
            text,
            page.locator(".notice-detail").inner_text(),
            widths,
            foreign_requests(requests, live_server.url),
        )

    text, detail, (scroll_width, width), foreign = browser.run(read, viewport=PHONE)
    assert TITLE in text and "置顶" in text
    assert "停水范围示意.pdf" in detail and "发布人" not in detail
    assert scroll_width <= width and foreign == []


def committed_elsewhere(function, *args, **kwargs):
    """Run `function` in a thread of its own, with its own database connection (the
    browser's thread may not use the ORM), closed afterwards."""

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_a_notice_appears_on_the_residents_open_home_without_a_reload(browser, served, people):
    cookie = served.session_cookie(people["resident"])

    def watch(page, requests):
        page.context.add_cookies([cookie])
        page.goto(f"{served.url}/")
        page.locator("#live-status[data-state='live']").wait_for()
        page.evaluate("window.__notReloaded = true")
        # the supervisor publishes to the resident's street while the home is open
        committed_elsewhere(publish_notice, people["supervisor"], "310101001", title="街道防汛须知")
        page.locator("#notices", has_text="街道防汛须知").wait_for(timeout=10_000)
        screenshot(page, "notices-home-live-phone")
        return page.evaluate("window.__notReloaded === true"), foreign_requests(
            requests, served.url
        )

    not_reloaded, foreign = browser.run(watch, viewport=PHONE)
    assert not_reloaded and foreign == []
