import pytest

from .backends import FlakyBackend, RefusingBackend, SlowBackend


@pytest.fixture(autouse=True)
def _reset_backends():
    FlakyBackend.failures_left = 0
    RefusingBackend.refused = frozenset()
    SlowBackend.sent = []
    yield
