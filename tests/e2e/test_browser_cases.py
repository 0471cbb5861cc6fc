"""A case from a resident's phone to a rated, closed case, every step through the pages in
real Chromium: report on the map with a photo, register and dispatch, handle, verify, rate.
No request may leave the live server."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from feedback import services
from feedback.models import Case, CaseState
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, log_in, screenshot
from tests.factories import grid_centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def patrol_reports(people, category, n: int) -> None:
    """Other cases of the grid, one of them overdue, so the supervisor's list has rows."""
    point = grid_centre("310101001001001")
    for i in range(n):
        case, _ = services.case_report(
            actor=people["grid_worker"],
            client_id=uuid.uuid4(),
            category=category,
            description=f"巡查发现第{i + 1}处流动摊贩",
            lon=point.x + 0.002 * i,
            lat=point.y,
        )
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(hours=4))


def jpeg_file(name: str, colour=(200, 80, 30)) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def resident_reports(page, base: str) -> str:
    page.goto(f"{base}/cases/report/")
    page.locator("#id_category").select_option(label="占道经营")
    page.locator("#id_description").fill("菜场门口三个摊位占了人行道")
    page.locator("#report-map[data-ready='1']").wait_for()
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.locator("#id_photos").set_input_files([jpeg_file("stall.jpg")])
    assert page.locator("#id_lon").input_value()
    screenshot(page, "cases-report-phone")
    page.get_by_role("button", name="提交上报").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    number = page.locator("h1 small").inner_text()
    screenshot(page, "cases-detail-reported-phone")
    page.goto(f"{base}/cases/mine/")
    assert number in page.locator(".case-list").inner_text()
    return number


def test_a_case_goes_from_a_phone_report_to_a_rating_through_the_pages(
    browser, live_server, people, stall_category
):
    base = live_server.url
    leaked: list[str] = []

    def as_resident_report(page, requests):
        log_in(page, base, people["resident"].username)
        number = resident_reports(page, base)
        leaked.extend(foreign_requests(requests, base))
        return number

    number = browser.run(as_resident_report, viewport=PHONE)
    patrol_reports(people, stall_category, 3)
    case = Case.objects.get(number=number)
    assert case.state == CaseState.REPORTED and case.photos.count() == 1
    assert case.area_code == "310101001001001", case.location
    detail = f"{base}/cases/{case.pk}/"

    def as_supervisor(page, requests):
        log_in(page, base, people["supervisor"].username)
        page.goto(detail)
        page.locator("#action-register button").click()
        page.locator("#action-dispatch").wait_for()
        screenshot(page, "cases-dispatch-desktop")
        department = page.locator("#action-dispatch select[name=department] option:checked")
        chosen = department.inner_text()
        page.locator("#action-dispatch button").click()
        page.locator("#case-state", has_text="处置中").wait_for()
        page.goto(f"{base}/cases/all/")
        screenshot(page, "cases-supervise-desktop")
        leaked.extend(foreign_requests(requests, base))
        return chosen

    assert browser.run(as_supervisor, viewport=DESKTOP) == "街道城管科"
    assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED

    def as_handler(page, requests):
        log_in(page, base, people["handler"].username)
        page.goto(f"{base}/cases/inbox/")
        screenshot(page, "cases-inbox-phone")
        page.locator(f"[data-number='{number}'] a").click()
        page.locator("#action-handle textarea").fill("已劝离摊贩，人行道恢复通行")
        page.locator("#action-handle input[type=file]").set_input_files(
            [jpeg_file("after.jpg", (40, 160, 60))]
        )
        page.locator("#action-handle button").click()
        page.locator("#case-state", has_text="待核查").wait_for()
        leaked.extend(foreign_requests(requests, base))

    browser.run(as_handler, viewport=PHONE)

    def as_grid_worker(page, requests):
        log_in(page, base, people["grid_worker"].username)
        page.goto(f"{base}/cases/verify/")
        page.locator(f"[data-number='{number}'] a").click()
        page.get_by_label("通过，结案").check()
        page.locator("#action-verify button").click()
        page.locator("#case-state", has_text="已结案").wait_for()
        leaked.extend(foreign_requests(requests, base))

    browser.run(as_grid_worker, viewport=PHONE)

    def as_resident_rate(page, requests):
        log_in(page, base, people["resident"].username)
        page.goto(detail)
        page.get_by_label("满意", exact=True).check()
        page.locator("#action-rate textarea").fill("处理很快，谢谢")
        page.locator("#action-rate button").click()
        rating = page.locator("#case-rating").inner_text()
        screenshot(page, "cases-detail-rated-phone")
        leaked.extend(foreign_requests(requests, base))
        return rating

    assert "满意" in browser.run(as_resident_rate, viewport=PHONE)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.rating == "satisfied"
    assert case.photos.filter(stage="after").count() == 1
    assert leaked == []


def test_the_all_cases_table_fits_a_1440_screen(browser, live_server, people, stall_category):
    # given cases in the supervisor's street, one overdue and escalated
    patrol_reports(people, stall_category, 3)
    Case.objects.filter(due_at__lt=timezone.now()).update(escalation_level=1)

    def scenario(page, requests):
        log_in(page, live_server.url, people["supervisor"].username)
        page.goto(f"{live_server.url}/cases/all/")
        table = page.locator(".case-table")
        table.wait_for()
        screenshot(page, "cases-supervise-1440")
        wrap = page.locator(".table-wrap")
        sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
        last = page.locator(".case-table thead th").last.bounding_box()
        return sizes, last, page.viewport_size["width"]

    (scroll, client), last, width = browser.run(scenario, viewport={"width": 1440, "height": 900})
    # then nothing scrolls sideways and the 督办 column is on screen
    assert scroll <= client
    assert last["x"] + last["width"] <= width
