"""A tiny SMTP server that keeps what it is sent: for the delivery benchmark and tests.

    python -m bench.smtp_sink --port 2525 --log sent.txt [--delay 0.02]

It speaks just enough SMTP (RFC 5321) for smtplib and Django's SMTP backend: EHLO/HELO,
MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP, QUIT. A message counts as received once
its final "." has arrived, the moment a real server takes responsibility for it; a client
that vanishes before that leaves nothing behind. Each received message is recorded by its
X-Backontrack-Key header (the outbox's idempotency key), so duplicates and losses show.

Test hooks: `refuse` (addresses answered 550), `delay` (seconds the server waits before
accepting each MAIL command, like a slow relay), and `hold_after(n)`: after n more MAIL
commands the next one gets no answer until `release()`, so a test can kill a client mid-send.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import socketserver
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.policy import default as default_policy

KEY_HEADER = "X-Backontrack-Key"
MAX_LINE = 1000 + 2  # RFC 5321 4.5.3.1.6, with CRLF


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Replies are small writes; without this, Nagle and delayed ACKs add 40 ms to each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.sink.opened(self.connection)

    def finish(self) -> None:
        self.server.sink.closed(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        # A client that goes away mid-reply (a killed worker) leaves nothing received.
        with contextlib.suppress(OSError):
            self.converse(self.server.sink)

    def converse(self, sink: SmtpSink) -> None:
        self.reply("220 sink.local ESMTP bench.smtp_sink")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return  # the client went away
            command, _, argument = line.decode("utf-8", "replace").strip().partition(" ")
            verb = command.upper()
            if verb == "EHLO":
                self.reply("250-sink.local\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 sink.local")
            elif verb == "MAIL":
                sink.before_mail()
                sender, recipients = argument, []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                address = _address(argument)
                if sender is None:
                    self.reply("503 5.5.1 MAIL first")
                elif address in sink.refuse or "@" not in address:
                    self.reply("550 5.1.1 User unknown")
                else:
                    recipients.append(address)
                    self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                if not recipients:
                    self.reply("503 5.5.1 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return  # cut off mid-message: nothing was received
                sink.record(data, recipients)
                sender, recipients = None, []
                self.reply("250 2.0.0 OK queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not implemented")

    def read_data(self) -> bytes | None:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


def _address(argument: str) -> str:
    """`TO:<a@b.test>` -> `a@b.test`."""
    _, _, rest = argument.partition(":")
    return rest.strip().split(" ", 1)[0].strip("<>").lower()


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    sink: SmtpSink


class SmtpSink:
    """A threaded SMTP server on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(
        self,
        *,
        port: int = 0,
        refuse: frozenset[str] = frozenset(),
        delay: float = 0.0,
        log_path: str | None = None,
    ):
        self.refuse = frozenset(address.lower() for address in refuse)
        self.delay = delay
        self.keys: list[str] = []
        self._raw: list[bytes] = []
        self._lock = threading.Lock()
        self._log = open(log_path, "a", buffering=1) if log_path else None  # noqa: SIM115
        self._hold_at: int | None = None
        self.sessions = 0  # connections accepted so far
        self._open: set[socket.socket] = set()
        self._mails = 0
        self.holding = threading.Event()
        self._released = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> SmtpSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        if self._log:
            self._log.close()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- hooks ---------------------------------------------------------------------------

    def opened(self, sock: socket.socket) -> None:
        with self._lock:
            self.sessions += 1
            self._open.add(sock)

    def closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)

    def disconnect_all(self) -> None:
        """Close every open session from the server's side, as a restart would."""
        with self._lock:
            open_now = list(self._open)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def hold_after(self, mails: int) -> None:
        """Answer the next `mails` MAIL commands, then leave the one after unanswered until
        release(): the client is stuck inside a send."""
        with self._lock:
            self._hold_at = self._mails + mails + 1
            self.holding.clear()
            self._released.clear()

    def release(self) -> None:
        self._hold_at = None
        self._released.set()

    def before_mail(self) -> None:
        """Runs before each MAIL reply: the hold and the delay."""
        with self._lock:
            self._mails += 1
            hold = self._hold_at is not None and self._mails >= self._hold_at
        if hold:
            self.holding.set()
            self._released.wait()
        if self.delay:
            time.sleep(self.delay)

    # --- what was received ---------------------------------------------------------------

    def record(self, data: bytes, recipients: list[str]) -> None:
        # Headers only, with the old fast policy: the sink must not cost the benchmark CPU.
        headers = BytesHeaderParser(policy=compat32).parsebytes(data)
        key = "".join(str(headers.get(KEY_HEADER) or headers.get("Message-ID", "")).split())
        with self._lock:
            self.keys.append(key)
            self._raw.append(data)
            if self._log:
                self._log.write(f"{key}\n")

    @property
    def messages(self) -> list:
        """Every received message, parsed (for tests)."""
        with self._lock:
            raw = list(self._raw)
        return [message_from_bytes(data, policy=default_policy) for data in raw]

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.smtp_sink", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True, help="file that gets one key per message")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    sink = SmtpSink(port=args.port, delay=args.delay, log_path=args.log).start()
    print(f"listening on 127.0.0.1:{sink.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
