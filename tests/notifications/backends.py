"""Small real email backends for the outbox tests, chosen through settings.EMAIL_BACKEND.

They behave like an SMTP server would (drop the connection, refuse an address, answer
slowly) and otherwise keep mail in django.core.mail.outbox like the locmem backend.
"""

import smtplib
import threading
import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

FLAKY = "tests.notifications.backends.FlakyBackend"
REFUSING = "tests.notifications.backends.RefusingBackend"
SLOW = "tests.notifications.backends.SlowBackend"


class FlakyBackend(LocmemBackend):
    """Drops the connection `failures_left` times, then delivers."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    """Refuses every address in `refused` the way an SMTP server answers 550."""

    refused: frozenset[str] = frozenset()

    def send_messages(self, messages):
        for message in messages:
            bad = {to: (550, b"5.1.1 User unknown") for to in message.to if to in self.refused}
            if bad:
                raise smtplib.SMTPRecipientsRefused(bad)
        return super().send_messages(messages)


class SlowBackend(LocmemBackend):
    """Takes a while to send and counts sends across threads, to expose a double send."""

    lock = threading.Lock()
    sent: list[str] = []

    def send_messages(self, messages):
        time.sleep(0.3)
        with self.lock:
            SlowBackend.sent.extend(m.extra_headers["X-Backontrack-Key"] for m in messages)
        return len(messages)
