"""Settings for the test suite: the development defaults that `make run` uses (DJANGO_DEBUG=1,
SQLite unless DATABASE_URL says otherwise), so `pytest` needs no environment. pytest-django
still runs every test with DEBUG off; production settings are tested in tests/test_settings.py
with the environment production sets."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: F403
