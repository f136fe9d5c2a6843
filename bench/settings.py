"""The app's settings plus the benchmark's floor view (bench.urls); never used in production."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")  # as measured so far: the development defaults

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The API answers JSON only, so the static manifest (built by collectstatic) is not needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
