"""Browser tests: Playwright's sync API driving Debian's Chromium against live_server.

Playwright's sync API runs an asyncio loop in the thread that uses it, and Django refuses
ORM calls from a thread with a running loop. So the browser lives in one dedicated
thread: a test hands it a scenario (a function of a page) and gets the scenario's result
back, while the test itself, its fixtures and the live server keep using the ORM
normally. No DJANGO_ALLOW_ASYNC_UNSAFE needed.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts.models import Department, Role, RoleAssignment
from feedback.models import Category, CategoryKind
from grid import services
from tests.factories import make_resident, user_with_role

CHROMIUM = os.environ.get("GONGZHI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


class BrowserThread:
    """One Chromium, owned by one thread; every page call happens in that thread."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._executor.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    def run(self, scenario: Callable, *, viewport: dict = PHONE, locale: str = "zh-CN"):
        """Run `scenario(page, requests)` in a fresh context; `requests` collects every URL
        the page asked for."""
        return self._executor.submit(self._run, scenario, viewport, locale).result()

    def _run(self, scenario: Callable, viewport: dict, locale: str):
        context = self._browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(15_000)
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        try:
            return scenario(context.new_page(), requests)
        finally:
            context.close()

    def open(self, scenario: Callable, *, viewport: dict = PHONE, locale: str = "zh-CN"):
        """Run `scenario(page)` in a fresh context and keep the page open; use it again
        with `on_page`, and close its context at the end."""
        return self._executor.submit(self._open, scenario, viewport, locale).result()

    def _open(self, scenario: Callable, viewport: dict, locale: str):
        context = self._browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(15_000)
        page = context.new_page()
        scenario(page)
        return page

    def on_page(self, page, action: Callable):
        """Run `action(page)` in the browser's thread, on a page `open` returned."""
        return self._executor.submit(action, page).result()

    def stop(self) -> None:
        def _stop() -> None:
            self._browser.close()
            self._playwright.stop()

        self._executor.submit(_stop).result()
        self._executor.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    thread = BrowserThread()
    yield thread
    thread.stop()


@pytest.fixture
def people(transactional_db, areas):
    """One user per role over the small district of tests.factories, with some residents
    so the pages have something to show."""
    grid, neighbour = "310101001001001", "310101001001002"
    home = make_resident(grid, name="李秀英", phone="13812345678")
    other = make_resident(grid, name="王建国")
    make_resident(neighbour, name="赵邻居")
    services.special_group_add(resident=other, kind="elderly_alone")
    resident = user_with_role(Role.RESIDENT, areas["310101001001"], display_name="李秀英")
    resident.resident = home
    resident.save()
    department = Department.objects.create(code="cg-1", name="街道城管科", area=areas["310101001"])
    return {
        "resident": resident,
        "grid_worker": user_with_role(Role.GRID_WORKER, areas[grid], display_name="网格员小周"),
        "clerk": user_with_role(Role.CLERK, areas["310101001"], display_name="窗口小陈"),
        "handler": user_with_role(
            Role.HANDLER, areas["310101001"], department=department, display_name="城管老吴"
        ),
        "supervisor": user_with_role(Role.SUPERVISOR, areas["310101001"], display_name="指挥中心"),
        "admin": user_with_role(
            Role.ADMIN, areas["310101"], is_staff=True, is_superuser=True, display_name="管理员"
        ),
    }


@pytest.fixture
def stall_category(people):
    """占道经营, routed to the handler's department."""
    department = RoleAssignment.objects.get(user=people["handler"]).department
    order = Category.objects.create(code="13", name="街面秩序", kind=CategoryKind.EVENT)
    return Category.objects.create(
        code="1301", name="占道经营", kind=CategoryKind.EVENT, parent=order, department=department
    )


def log_in(page, base_url: str, username: str) -> None:
    """Type the credentials into the login form and submit it, as a person would."""
    page.goto(f"{base_url}/login/")
    page.locator("#id_username").type(username)
    page.locator("#id_password").type(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def foreign_requests(requests: list[str], base_url: str) -> list[str]:
    """Requests that left the live server (data: and blob: URLs stay in the page)."""
    host = urlsplit(base_url).netloc
    return [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != host
    ]


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


from tests.e2e.served import served  # noqa: E402, F401  (a fixture: the app as served)
