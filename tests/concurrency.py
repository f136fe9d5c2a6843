"""Releasing several calls at the same moment, each in its own thread with its own database
connection: the harness of the race tests (PostgreSQL)."""

from __future__ import annotations

import threading

from django.db import connection


def at_once(calls, *, timeout: float = 120) -> list[object]:
    """Run every call in its own thread, released together; each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results
