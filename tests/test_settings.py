import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7" * 30 + "-a-long-random-production-secret",
    "DJANGO_ALLOWED_HOSTS": "backontrack.example.org",
    "SITE_URL": "https://backontrack.example.org",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def _printed(expression: str, env: dict[str, str]) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_behind_proxies_the_login_limits_count_the_visitors_address():
    assert _printed("settings.ALLAUTH_TRUSTED_PROXY_COUNT", PRODUCTION) == "0"
    env = {**PRODUCTION, "DJANGO_TRUSTED_PROXY_COUNT": "2"}
    assert _printed("settings.ALLAUTH_TRUSTED_PROXY_COUNT", env) == "2"


def test_through_pgbouncer_no_server_side_cursor_is_used():
    key = "settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False)"
    assert _printed(key, PRODUCTION) == "False"
    assert _printed(key, {**PRODUCTION, "DATABASE_PGBOUNCER": "1"}) == "True"


def test_on_postgresql_statements_are_prepared_unless_behind_pgbouncer():
    key = "settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold')"
    postgres = {**PRODUCTION, "DATABASE_URL": "postgres://app@db.example.org:5432/bot"}
    assert _printed(key, postgres) == "5"
    binding = "settings.DATABASES['default']['OPTIONS'].get('server_side_binding')"
    assert _printed(binding, postgres) == "True"
    assert _printed(key, {**postgres, "DATABASE_PGBOUNCER": "1"}) == "None"
    # SQLite (a newcomer's `make run`) has no such options.
    assert _printed(key, {**PRODUCTION, "DATABASE_URL": "sqlite:///db.sqlite3"}) == "None"
