"""No page loads anything from another host: scripts, styles, images and fonts come from
our own static files (npm → maps/static/maps/vendor/, django-leaflet, our apps), because
a government intranet has no internet and a CDN would see who opens which page.

Two checks: every template file, read as text; and every page each demo account can
reach, rendered and crawled from the home page and every URL pattern without arguments.
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from accounts.models import User
from demo.accounts import demo_accounts_ensure
from tests.demo import support as demo_support

ROOT = Path(settings.BASE_DIR)
OUR_HOST = "testserver"
# What loads a resource: (tag, attribute). An <a href> is a link the user follows, not a load.
LOADING = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")
# Pages a crawl must not follow: files, JSON, sign-out and the language switch.
SKIP = re.compile(
    r"^/(static|media|api|open311|i18n|logout)/|/(photos|files|export|download)/|\.(xlsx|csv|pdf)$"
)
MAX_PER_SHAPE = 2  # /cases/17/ and /cases/18/ are one page shape: two of each suffice


def outside(url: str) -> bool:
    """Whether `url` names another host (absolute, or protocol-relative //host)."""
    url = url.strip()
    if url.startswith(("data:", "blob:", "#")):
        return False
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.netloc != OUR_HOST


class Resources(HTMLParser):
    """Collects what a page loads, and the same-site links to crawl on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in LOADING:
                self.loads += [part.split()[0] for part in value.split(",") if part.strip()]
            if name == "style":
                self.loads += CSS_URL.findall(value)
            if tag == "a" and name == "href":
                self.links.append(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.loads += CSS_URL.findall(data)


def template_files() -> list[Path]:
    skip = (".venv", "node_modules", "staticfiles")
    return [
        path
        for path in ROOT.rglob("templates/**/*.html")
        if not any(part in skip for part in path.relative_to(ROOT).parts)
    ]


def test_no_template_loads_a_resource_from_another_host():
    assert len(template_files()) > 30
    leaks = []
    for path in template_files():
        parser = Resources()
        parser.feed(path.read_text())
        leaks += [f"{path.relative_to(ROOT)}: {url}" for url in parser.loads if outside(url)]
    assert leaks == []


def test_the_check_sees_each_way_of_loading_from_another_host():
    html = (
        '<script src="https://cdn.example/x.js"></script><link href="//cdn.example/a.css">'
        '<img srcset="/static/a.png 1x, http://img.example/b.png 2x">'
        "<style>@import 'https://fonts.example/f.css';</style>"
        '<div style="background:url(https://img.example/c.png)"></div>'
        '<a href="https://gov.example/">a link is not a load</a><img src="data:image/png;base64,">'
    )
    parser = Resources()
    parser.feed(html)
    assert [url for url in parser.loads if outside(url)] == [
        "https://cdn.example/x.js",
        "//cdn.example/a.css",
        "http://img.example/b.png",
        "https://fonts.example/f.css",
        "https://img.example/c.png",
    ]


def argument_free_urls() -> list[str]:
    """Every named URL pattern that takes no argument, as a path."""
    names: list[str] = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    paths = []
    for name in names:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    return [path for path in paths if not SKIP.search(path)]


def shape(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def crawl(client: Client, starts: list[str]) -> tuple[set[str], list[str]]:
    """GET every same-site page reachable from `starts` (each page shape at most twice);
    the pages seen and the outside resources they load."""
    queue, seen, shapes, leaks = deque(starts), set(), {}, []
    while queue:
        path = urldefrag(queue.popleft())[0]
        parts = urlsplit(path)
        if parts.netloc or SKIP.search(parts.path) or parts.path in seen:
            continue
        if shapes.get(shape(parts.path), 0) >= MAX_PER_SHAPE:
            continue
        seen.add(parts.path)
        shapes[shape(parts.path)] = shapes.get(shape(parts.path), 0) + 1
        response = client.get(path)
        if "text/html" not in response.get("Content-Type", "") or response.status_code >= 300:
            continue
        parser = Resources()
        parser.feed(response.content.decode())
        leaks += [f"{path}: {url}" for url in parser.loads if outside(url)]
        queue += [urljoin(path, link) for link in parser.links if link.startswith("/")]
    return seen, leaks


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """The demo district with a short history: topics, ballots, notices, cases."""
    with demo_support.committed_demo(django_db_blocker, households=60, cases=40):
        with django_db_blocker.unblock():
            demo_accounts_ensure()
        yield


@pytest.mark.parametrize(
    "username", ["resident", "gridworker", "clerk", "handler", "supervisor", "admin"]
)
def test_no_page_a_role_reaches_loads_from_another_host(small_demo, db, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    seen, leaks = crawl(client, ["/", *argument_free_urls()])
    assert "/maps/" in seen and len(seen) > 15
    assert leaks == []
