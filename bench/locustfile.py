"""The load scenario: people using the site through its pages, as a browser does.

    locust -f bench/locustfile.py --host https://127.0.0.1:PORT   (bench/scale.py runs it)

Each simulated person logs in once through the real login form (allauth: email and password,
then for staff and coordinators the six-digit code of their authenticator, computed here from
the secret bench/scale.py gave the account) and then keeps their session, as a browser does:
cookies, the CSRF token from each form, a Referer on every post.

- Parents browse the activities, open one and enrol a child whose box is free, then look at
  their enrolments.
- School staff open their activities, an activity, a session's register, and save it with
  every child present.
- Local Heroes open their offers and answer one (mostly yes, sometimes no with a reason).
- Coordinators open the matching board, the steering dashboard and a school's figures; the
  programme team opens the national figures.
- Everyone also opens the floor (bench.floor.page): one trivial query and a tiny template for
  the session's person, behind the same middleware. Its p95 in the same run is the yardstick.

The accounts come from a JSON file named by BENCH_ACCOUNTS ({role: [{"email", "password",
"totp"}]}); each simulated person takes the next account of its role, so no two share a
second factor (a code is accepted once). The server speaks HTTPS (bench/scale.py gives
gunicorn a certificate of its own, which the clients accept), so the session's secure cookies
go back to it as from a browser.

A page that answers a 4xx or 5xx, or sends the person back to the login page, counts as a
failure. A form that says no (a full activity, an offer already answered) is an answer.
"""

from __future__ import annotations

import html
import itertools
import json
import logging
import os
import random
import re
import warnings

import gevent
from locust import HttpUser, between, task

from bench.load_accounts import totp

FLOOR = "floor"
LOGIN = "/accounts/login/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHILD_BOX = re.compile(r"<input\b[^>]*>")
REGISTER = re.compile(r'href="(/activities/manage/sessions/\d+/register/)"')
STAFF_ACTIVITY = re.compile(r'href="(/activities/manage/\d+/)"')
BROWSE_ACTIVITY = re.compile(r'href="(/activities/\d+/)"')
OFFER = re.compile(r'action="/sessions/offers/(\d+)/accept/"')
MARK = re.compile(r'name="(mark-\d+)"')
DECLINE_CODE = re.compile(r'name="code" value="([^"]+)"')
SCHOOL_REPORT = re.compile(r'href="(/reports/schools/\d+/)[^"]*"')


def load_accounts() -> dict[str, list[dict]]:
    path = os.environ.get("BENCH_ACCOUNTS", "")
    if not path:
        return {}
    with open(path) as file:
        return json.load(file)


ACCOUNTS = load_accounts()
# The measured window: it starts when the last person has logged in (logins are not the steady
# state: each costs a password hash) and lasts BENCH_SECONDS, then the run stops.
MEASURE_S = float(os.environ.get("BENCH_SECONDS", "0"))
THINK_S = [float(s) for s in os.environ.get("BENCH_THINK", "0.5,2").split(",")]
_LOGGED_IN = itertools.count(1)
warnings.filterwarnings("ignore", message="Unverified HTTPS request")
FLOOR_QUERY = os.environ.get("BENCH_FLOOR_QUERY", "")
_NEXT = {role: itertools.count() for role in ACCOUNTS}


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(*THINK_S)
    last_url = last_text = ""  # where the last answer ended (after redirects), what it said
    last_status = 0

    def on_start(self) -> None:
        accounts = ACCOUNTS[self.role]
        self.account = accounts[next(_NEXT[self.role]) % len(accounts)]
        self.client.headers.update({"Accept-Language": "nl", "User-Agent": "bench-load"})
        self.client.verify = False  # bench/scale.py's own certificate
        self.log_in()
        if next(_LOGGED_IN) == self.environment.runner.target_user_count:
            self.environment.stats.reset_all()
            if MEASURE_S:
                gevent.spawn_later(MEASURE_S, self.environment.runner.quit)

    # --- the browser's part ---------------------------------------------------------------

    def page(self, path: str, name: str) -> str:
        """GET a page; its HTML, or "" when it failed (then marked a failure)."""
        with self.client.get(path, name=name, catch_response=True) as response:
            return self.judge(response, path)

    def post(self, path: str, form_html: str, data: dict, name: str, leaves: bool = False) -> str:
        """POST a form with the CSRF token of the page it was on, as a browser does; `leaves`:
        the answer must lead elsewhere (a login that stays on its form failed). The login's
        redirects are followed (they lead to the second step); an action's are not, so its
        time is the post's alone, the page it leads to being the person's next step."""
        token = CSRF.search(form_html)
        if token is None:
            if form_html:  # the page answered, but without the form
                self.environment.events.request.fire(
                    request_type="POST",
                    name=name,
                    response_time=0,
                    response_length=0,
                    exception=RuntimeError("no form on the page"),
                    context={},
                )
            return ""
        headers = {"Referer": f"{self.host.rstrip('/')}{path}"}
        body = {"csrfmiddlewaretoken": token.group(1), **data}
        with self.client.post(
            path,
            data=body,
            headers=headers,
            name=name,
            catch_response=True,
            allow_redirects=leaves,
        ) as response:
            return self.judge(response, path, leaves)

    def judge(self, response, path: str, leaves: bool = False) -> str:
        self.last_url, self.last_text = response.url or "", response.text or ""
        self.last_status = response.status_code
        if response.status_code >= 400 or response.status_code == 0:
            response.failure(f"HTTP {response.status_code}")
            return ""
        if response.is_redirect:  # an action done; where it leads must not be the login
            self.last_url = response.headers.get("Location", "")
        if LOGIN in self.last_url and path != LOGIN:
            response.failure("sent back to the login page")
            return ""
        if leaves and self.last_url.endswith(path):
            response.failure("the form was refused")
            return ""
        response.success()
        return response.text

    def log_in(self) -> None:
        form = self.page(LOGIN, "login form")
        after = self.post(
            LOGIN,
            form,
            {"login": self.account["email"], "password": self.account["password"]},
            "login",
            leaves=True,
        )
        if self.account.get("totp") and "/accounts/2fa/authenticate/" in self.last_url:
            code = totp(self.account["totp"])
            self.post(
                "/accounts/2fa/authenticate/", after, {"code": code}, "login: code", leaves=True
            )
        if "/accounts/" in self.last_url:  # still at a login step: say which, and why
            said = re.findall(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>([^<]+)', self.last_text)
            logging.warning(
                "%s could not log in (HTTP %s at %s): %s",
                self.account["email"],
                self.last_status,
                self.last_url,
                said or self.last_text[:200],
            )

    @task(1)
    def floor(self) -> None:
        self.page(f"/bench/page/{FLOOR_QUERY}", FLOOR)


class Parent(Person):
    role = "parent"
    weight = 10

    @task(6)
    def browse_and_enrol(self) -> None:
        listing = self.page("/activities/", "activities")
        links = BROWSE_ACTIVITY.findall(listing)
        if not links:
            return
        path = random.choice(links)
        detail = self.page(path, "activity")
        free = [
            box
            for box in CHILD_BOX.findall(detail)
            if 'name="children"' in box and "disabled" not in box
        ]
        if free and random.random() < 0.5:
            child = re.search(r'value="(\d+)"', random.choice(free)).group(1)
            data = {"children": child}
            if 'name="consent"' in detail:
                data["consent"] = "on"
            if 'name="choice_rank"' in detail:
                data["choice_rank"] = "1"
            self.post(path, detail, data, "enrol")

    @task(2)
    def my_enrolments(self) -> None:
        self.page("/activities/mine/", "my enrolments")


class Staff(Person):
    role = "staff"
    weight = 3

    @task(3)
    def take_attendance(self) -> None:
        activities = STAFF_ACTIVITY.findall(self.page("/activities/manage/", "staff activities"))
        if not activities:
            return
        detail = self.page(random.choice(activities), "staff activity")
        registers = REGISTER.findall(detail)
        if not registers:
            return
        path = random.choice(registers)
        register = self.page(path, "register")
        marks = dict.fromkeys(MARK.findall(register), "present")
        if marks:
            self.post(path, register, marks, "register: save")


class Hero(Person):
    role = "hero"
    weight = 2

    @task(3)
    def answer_an_offer(self) -> None:
        offers = OFFER.findall(self.page("/sessions/offers/", "hero offers"))
        if not offers:
            return
        pk = random.choice(offers)
        path = f"/sessions/offers/{pk}/"
        detail = self.page(path, "hero offer")
        if random.random() < 0.8:
            self.post(f"{path}accept/", detail, {}, "offer: accept")
            return
        codes = DECLINE_CODE.findall(detail)
        if codes:
            data = {"code": html.unescape(codes[0]), "reason": ""}
            self.post(f"{path}decline/", detail, data, "offer: decline")


class Coordinator(Person):
    role = "coordinator"
    weight = 1

    @task(2)
    def board(self) -> None:
        self.page("/sessions/board/", "board")

    @task(2)
    def dashboard(self) -> None:
        dashboard = self.page("/reports/", "dashboard")
        schools = SCHOOL_REPORT.findall(dashboard)
        if schools:
            self.page(random.choice(schools), "school report")


class Programme(Person):
    role = "programme"
    weight = 1

    @task(2)
    def national(self) -> None:
        self.page("/reports/national/", "national figures")
