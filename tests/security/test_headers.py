"""Security headers on every page: a Content-Security-Policy without inline script or style,
a Permissions-Policy, and templates that need nothing inline."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/accounts/login/", "/accounts/signup/", "/api/docs/", "/healthz"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_a_strict_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_only_the_redoc_page_allows_inline_styles_and_never_inline_script(client):
    policy = client.get("/api/redoc/")["Content-Security-Policy"]

    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"


@pytest.mark.django_db
def test_the_swagger_page_loads_its_script_from_a_url_not_inline(client):
    page = client.get("/api/docs/").text

    assert not re.search(r"<script>(?!\s*</script>)", page)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.text


@pytest.mark.django_db
def test_permissions_policy_turns_off_camera_microphone_location_and_payment(client):
    policy = client.get("/accounts/login/")["Permissions-Policy"]

    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert "publickey-credentials-get=(self)" in policy


def test_no_template_has_inline_script_or_style():
    """Mail templates may style inline (mail clients need it); pages may not."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "/email/" in str(path):
            continue
        text = path.read_text()
        inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        inline_style = re.search(r"<style\b|\sstyle=\"|\son[a-z]+=\"", text)
        if inline_script or inline_style:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
