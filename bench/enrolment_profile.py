"""The enrolment rush's work in one process, to see where an enrolment's CPU goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bot python -m bench.enrolment_profile \
        [--path api|page|floor|page-floor] [--n 1500] [--capacity 7] [--profile FILE] [--tiny]

bench.enrolment_rush measures the rush through gunicorn, clients and all; this calls the
app's WSGI handler directly, one request after another, with the rush's data (a fresh database
`<name>_profile`, dropped at the end) and its settings (no debug, mail queued on REDIS_URL's
database 13 when REDIS_URL is set). It prints the CPU milliseconds per request of this one
process, the figure to compare before and after a change. With `--profile FILE` it also writes
cProfile's statistics of the measured requests (read them with `python -m pstats FILE`); for a
sampling profile without cProfile's overhead, run it under py-spy (`py-spy record -f raw`).
The default of 7 places per activity puts most children on the waiting list, as in the rush.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import random
import secrets
import sys
import time
from collections import Counter

from bench import enrolment_rush as rush

PATHS = {  # the app's two ways in and their floors, as the rush sends them
    "api": rush.PATHS["api"][0],
    "page": rush.PATHS["page"][0],
    "floor": rush.PATHS["api"][1],
    "page-floor": rush.PATHS["page"][1],
}
WARM_UP = 50  # requests before the clock: code loaded, statements compiled, connection open


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.enrolment_profile", description=__doc__)
    parser.add_argument("--path", choices=list(PATHS), default="api")
    parser.add_argument("--n", type=int, default=1500, help="requests measured")
    parser.add_argument("--capacity", type=int, default=7, help="places per activity")
    parser.add_argument("--activities", type=int, default=20)
    parser.add_argument("--profile", default="", help="write cProfile statistics to this file")
    parser.add_argument("--tiny", action="store_true", help="a few requests, for tests")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n, args.activities = 20, 5
    return args


def environ(path: str, job: rush.Job) -> dict:
    """The WSGI environ of one enrolment, as bench.enrolment_rush sends it."""
    url, body, headers = rush.enrolment_request(PATHS[path], job)
    env = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    env["CONTENT_TYPE"] = env.pop("HTTP_CONTENT_TYPE")
    return {
        **env,
        "REQUEST_METHOD": "POST",
        "PATH_INFO": url,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
    }


def setup(bench_url: str) -> None:
    """Django as the rush's server runs it (bench.enrolment_rush.server_env), on the bench
    database."""
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    # REDIS_URL (if set) becomes the bench's broker database.
    os.environ.update(
        rush.server_env(bench_url, rush._bench_broker(os.environ.get("REDIS_URL", "")))
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run(args: argparse.Namespace) -> dict:
    from django.core.handlers.wsgi import WSGIHandler

    total = WARM_UP + args.n
    seeding = rush.parse_args(
        [
            "--children",
            str(max(total, 100)),
            "--activities",
            str(args.activities),
            "--capacity",
            str(args.capacity),
            "--clients",
            "1",
        ]
    )
    _activities, plans = rush.seed(seeding, random.Random(2026), "api")
    jobs = [job for plan in plans for job in plan][:total]
    app = WSGIHandler()
    codes: Counter[str] = Counter()
    undone = 0  # answered, but not what the rush counts as done (a redirect to the login page)

    def call(job: rush.Job) -> None:
        nonlocal undone
        answered = []
        b"".join(app(environ(args.path, job), lambda *answer: answered.append(answer)))
        status, headers = answered[0][:2]
        code = int(status.split()[0])
        codes[str(code)] += 1
        location = dict(headers).get("Location", "")
        undone += not rush.done(
            rush.Answer(job, code, {"location": location} if location else {}, 0)
        )

    for job in jobs[:WARM_UP]:
        call(job)
    codes.clear()
    undone = 0
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    for job in jobs[WARM_UP:]:
        call(job)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    cpu_ms = (time.process_time() - started) * 1000 / max(len(jobs) - WARM_UP, 1)
    rush.flush_broker(os.environ.get("REDIS_URL", ""))
    return {
        "path": args.path,
        "requests": len(jobs) - WARM_UP,
        "cpu_ms": round(cpu_ms, 2),
        "codes": dict(codes),
        "not_done": undone,
        "profiled": bool(profiler),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench.enrolment_profile needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    maintenance_url, bench_url, name = rush.database_urls(url, suffix="profile")
    rush.recreate_database(maintenance_url, name)
    try:
        setup(bench_url)
        result = run(args)
    finally:
        rush.drop_database(maintenance_url, name)
    print(
        f"{result['path']}: {result['requests']} requests, {result['cpu_ms']:.2f} ms of CPU each"
        f" (answers {result['codes']}, not done {result['not_done']})"
    )
    print(json.dumps(result), flush=True)
    return 0 if result["requests"] and not result["not_done"] else 1


if __name__ == "__main__":
    sys.exit(main())
