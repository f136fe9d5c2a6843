"""Safe by default: without DJANGO_DEBUG the app is not in debug mode, and without a secret key
it refuses to start (issue: fail-open default)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_any_setting_the_app_refuses_to_start_instead_of_running_in_debug():
    result = _run_python("import django; django.setup()")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


def test_a_secret_key_alone_gives_production_mode_not_debug():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)"
    )
    result = _run_python(code, DJANGO_SECRET_KEY="k" * 60, SITE_URL="https://bot.example.org")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_debug_is_on_only_when_asked():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"

    assert _run_python(code, DJANGO_DEBUG="1").stdout.strip() == "True"
    production = {"DJANGO_SECRET_KEY": "k" * 60, "SITE_URL": "https://bot.example.org"}
    assert _run_python(code, DJANGO_DEBUG="0", **production).stdout.strip() == ("False")


def test_production_refuses_to_start_without_the_public_address():
    result = _run_python("import django; django.setup()", DJANGO_SECRET_KEY="k" * 60)

    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr
