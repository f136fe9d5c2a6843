"""The app's settings plus the benchmarks' floor views (bench.urls, bench/templates); never
used in production."""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "1")  # as measured so far: the development defaults

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Served without collectstatic: plain static URLs, no manifest to build first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The page floor's tiny template (bench.floor.page).
TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"],  # noqa: F405
    }
]
# bench.dashboards --cache none: every request computes its figures, as on a first view.
if os.environ.get("BENCH_CACHE") == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# bench.scale: every simulated person logs in from 127.0.0.1, where production has an address
# per family. allauth's limits per address would refuse the crowd: 30 logins a minute, and
# 10 failed logins a minute, where a login counts as failed until its password is checked (so
# more than 10 at once fail). The limit per account stays.
ACCOUNT_RATE_LIMITS = {"login": False, "login_failed": "5/300s/key"}
