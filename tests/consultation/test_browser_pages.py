"""Real Chromium over the demo's 议事厅 at phone width, in Chinese and in English: the
list, a topic in follow-up (procedure, actions, ratings), a topic in debate (hidden
comments), the moderation queue. Nothing wider than the phone, no request leaves the
site, no Chinese in the English page's chrome. Screenshots in var/screenshots."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from consultation.models import Topic
from tests.e2e.conftest import PHONE, browser, foreign_requests, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]
CJK = re.compile(r"[\u3400-\u9fff]")


def test_the_demo_topics_on_a_phone_in_both_languages(browser, live_server):
    call_command("demo", "--households=60", "--cases=5", "--no-inbox", stdout=StringIO())
    cookies = {}
    for user in User.objects.filter(username__in=["resident", "clerk"]):
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[user.username] = {
            "name": settings.SESSION_COOKIE_NAME,
            "value": key,
            "url": live_server.url,
        }
    green = Topic.objects.get(title="小区绿化改造").pk
    debate = Topic.objects.get(title__startswith="垃圾分类亭选址").pk
    pages = {
        "list": "/topics/",
        "follow-up": f"/topics/{green}/",
        "debate": f"/topics/{debate}/",
        "notice": f"/topics/{green}/procedure/notice/",
    }

    blocked: list[str] = []  # console errors: the CSP's refusals among them

    def tour(username: str, language: str, extra: dict):
        def run(page, requests):
            page.context.add_cookies([cookies[username]])
            if language == "en":  # chosen in the header's menu: the browser's own is not asked
                chosen = {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en"}
                page.context.add_cookies([chosen | {"url": live_server.url}])
            page.on("console", lambda m: m.type == "error" and blocked.append(m.text))
            seen = {}
            for name, path in (pages | extra).items():
                page.goto(f"{live_server.url}{path}")
                screenshot(page, f"consultation-{name}-{username}-{language}-phone")
                widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                chrome = page.locator("h2, button, label, legend, summary").all_inner_texts()
                seen[name] = (widths, chrome, page.locator("main").inner_text())
            return seen, foreign_requests(requests, live_server.url)

        return run

    seen, foreign = browser.run(tour("resident", "zh", {}), viewport=PHONE)
    assert foreign == []
    for name, ((scroll, width), _chrome, _text) in seen.items():
        assert scroll <= width, name
    assert "已被管理员隐藏" in seen["debate"][2] and "13912345678" not in seen["debate"][2]
    assert "居民代表会议决议" in seen["follow-up"][2]

    seen, foreign = browser.run(
        tour("clerk", "en", {"moderation": "/topics/moderation/"}), viewport=PHONE, locale="en"
    )
    assert foreign == []
    for name, ((scroll, width), chrome, _text) in seen.items():
        assert scroll <= width, name
        assert [c for c in chrome if CJK.search(c)] == [], name
    assert [m for m in blocked if "Content Security Policy" in m] == []
