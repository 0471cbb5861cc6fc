"""Errors people see are Chinese pages; errors machines see under /api/ are
problem+json, whoever refused the request (an unknown URL, a wrong method, Django)."""

import json

import pytest
from django.test import Client


def problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == status
    return body


@pytest.mark.django_db
def test_an_unknown_api_url_is_a_problem_json_404_in_chinese():
    body = problem(Client().get("/api/v1/no-such-thing"), 404)
    assert body["title"] == "未找到" and "不存在" in body["detail"]


@pytest.mark.django_db
def test_an_unknown_api_url_speaks_english_to_an_english_client():
    response = Client(headers={"accept-language": "en"}).get("/api/v1/no-such-thing")
    assert problem(response, 404)["title"] == "Not found"


@pytest.mark.django_db
def test_a_method_the_api_does_not_route_is_a_problem_json_405():
    body = problem(Client().put("/api/v1/cases/categories"), 405)
    assert "不支持" in body["detail"]


@pytest.mark.django_db
def test_an_unknown_open311_url_is_a_problem_json_404():
    problem(Client().get("/open311/v2/nothing.json"), 404)


@pytest.mark.django_db
def test_an_unknown_page_is_a_chinese_page_on_the_site_layout():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.text and "共治社区治理平台" in response.text


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_gets_a_chinese_403():
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x"})
    assert response.status_code == 403
    assert "请刷新页面后重新提交" in response.text


@pytest.mark.django_db
def test_a_request_without_credentials_is_refused_in_the_clients_language():
    # the error texts were once translated at import, so an English client got "未登录"
    english = problem(Client(headers={"accept-language": "en"}).get("/api/v1/cases"), 401)
    chinese = problem(Client().get("/api/v1/cases"), 401)
    assert chinese["title"] == "未登录"
    assert english["title"] == "Not logged in"


@pytest.mark.django_db
def test_favicon_is_our_mark_not_a_404():
    client = Client()
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    icon = client.get(answer["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])


@pytest.mark.django_db
def test_a_missing_page_is_chinese_with_the_site_header_for_an_english_browser():
    answer = Client(headers={"accept-language": "en-US,en"}).get("/no-such-page/")
    assert answer.status_code == 404
    text = answer.content.decode()
    assert 'class="topbar"' in text and "共治社区治理平台" in text
    assert "Not Found" not in text and "Page not found" not in text
