"""Local Heroes, VR kits, matching runs, session requests with their windows, offers and
visits."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict

from core.time import local_date, local_datetime

from .common import bulk, given_times, weighted

TOPICS = [
    "Sport", "Techniek", "Kunst", "Ondernemen", "Zorg", "Veiligheid", "Muziek", "Media",
    "Duurzaamheid", "Koken", "Recht", "Wetenschap", "Taal", "Geld",
]  # fmt: skip
DECLINE_REASONS = [
    "Ik kan die dag toch niet.",
    "Ik ben ziek.",
    "Het is te ver weg voor mij.",
    "Ik heb al een bezoek die week.",
    "",
]

VR_SHARE = 0.15
DECLINED_BEFORE_VISIT = 0.12
EXPIRED_BEFORE_VISIT = 0.03
# The 1 in 6 requests without a visit: open (with or without a reason), offered, cancelled.
OPEN_WITHOUT_VISIT = [("open", 0.60), ("offered", 0.22), ("cancelled", 0.18)]
HERO_REASONS = [
    ("no_hero_available", 5),
    ("hero_limits_reached", 4),
    ("lost_to_other_requests", 3),
    ("no_valid_vog", 1),
    ("all_candidates_excluded", 1),
    ("window_past", 1),
]
VR_REASONS = [
    ("no_vr_trained_hero", 3),
    ("no_kit_free", 3),
    ("no_hero_available", 1),
]
AVAILABILITY = [(9, 12), (9, 15), (12, 16), (13, 17), (9, 17)]


class Visits:
    """Heroes, kits, runs, requests, offers and visits (a part of demo.scale.CityBuilder)."""

    def add_heroes(self) -> None:
        from accounts.models import User
        from heroes.models import AvailabilityWindow, Hero, Topic, VOGCheck

        s, rng, today = self.sizes, self.rng, self.cal.today
        had = {t.name: t for t in Topic.objects.filter(municipality=self.municipality)}
        bulk(
            Topic,
            [
                Topic(municipality=self.municipality, name=name)
                for name in TOPICS[: s.topics]
                if name not in had
            ],
        )
        self.topics = sorted(
            Topic.objects.filter(municipality=self.municipality, name__in=TOPICS[: s.topics]),
            key=lambda topic: TOPICS.index(topic.name),
        )
        users = bulk(
            User,
            [
                User(email=f"hero{i}@{self.town.domain}", name=f"Held {i}", password=self.password)
                for i in range(s.heroes)
            ],
        )
        heroes = []
        for i, user in enumerate(users):
            joined = self.cal.at(self.cal.first_day, 10) - dt.timedelta(days=rng.uniform(0, 500))
            left = rng.random() < 0.03
            heroes.append(
                Hero(
                    user=user,
                    municipality=self.municipality,
                    display_name=f"Held {i}",
                    story="Ik vertel over mijn werk en hoe ik daar kwam.",
                    languages=["nl", *rng.sample(["en", "tr", "ar", "pap"], rng.randint(0, 2))],
                    home_neighbourhood=rng.choice(self.neighbourhoods),
                    max_visits_per_month=rng.choice([2, 3, 4, 4, 6, 8]),
                    # Every fifth hero, so a small city has VR-trained heroes too.
                    vr_trained_on=today - dt.timedelta(days=200) if i % 5 == 0 else None,
                    created_at=joined,
                    left_at=self.now - dt.timedelta(days=rng.uniform(1, 60)) if left else None,
                )
            )
        with given_times(Hero):
            self.heroes = bulk(Hero, heroes)
        bulk(
            Hero.topics.through,
            [
                Hero.topics.through(hero_id=h.pk, topic_id=t.pk)
                for h in self.heroes
                for t in rng.sample(self.topics, rng.randint(1, min(3, len(self.topics))))
            ],
        )
        bulk(
            Hero.visit_neighbourhoods.through,
            [
                Hero.visit_neighbourhoods.through(hero_id=h.pk, neighbourhood_id=n.pk)
                for h in self.heroes
                for n in rng.sample(self.neighbourhoods, min(3, len(self.neighbourhoods)))
            ],
        )
        self.available_on = defaultdict(list)  # weekday -> (hero, from hour, until hour)
        windows = []
        for h in self.heroes:
            mine = [
                (weekday, *rng.choice(AVAILABILITY))
                for weekday in rng.sample(range(5), rng.randint(1, 3))
            ]
            for weekday, start, end in mine:
                self.available_on[weekday].append((h, start, end))
            windows += [
                AvailabilityWindow(
                    hero=h, weekday=d, start_time=dt.time(start), end_time=dt.time(end)
                )
                for d, start, end in mine
            ]
        bulk(AvailabilityWindow, windows)
        self.vog_of = {}
        vogs = []
        for h in self.heroes:
            roll = rng.random()
            if roll < 0.03:
                continue  # no VOG yet
            if roll < 0.05:
                until = today - dt.timedelta(days=rng.randint(5, 40))  # expired
            elif roll < 0.13:
                until = today + dt.timedelta(days=rng.randint(1, 60))  # expiring soon
            else:
                until = today + dt.timedelta(days=rng.randint(90, 900))
            issued = until - dt.timedelta(days=3 * 365)
            self.vog_of[h.pk] = (issued, until)
            vogs.append(
                VOGCheck(
                    hero=h,
                    issued_on=issued,
                    valid_until=until,
                    recorded_at=local_datetime(issued + dt.timedelta(days=7), dt.time(10)),
                )
            )
        bulk(VOGCheck, vogs)

    def add_kits(self) -> None:
        from scheduler.models import Kit, KitBlock

        s, rng = self.sizes, self.rng
        self.kits = bulk(
            Kit,
            [
                Kit(
                    municipality=self.municipality,
                    name=f"VR-kit {i + 1}",
                    # Two rotations of 15 or 16: every class (at most 30 pupils) fits.
                    headsets=rng.choice([15, 16]),
                    home_venue=rng.choice(self.venues) if self.venues else None,
                )
                for i in range(s.kits)
            ],
        )
        self.kit_busy: set[tuple[int, dt.date, int]] = set()
        blocks = []
        for kit in self.kits:
            day = rng.choice(self.cal.lesson_days)
            self.kit_busy |= {(kit.pk, day, 0), (kit.pk, day, 1)}
            blocks.append(
                KitBlock(
                    kit=kit,
                    starts_at=self.cal.at(day, 8),
                    ends_at=self.cal.at(day, 18),
                    reason="Onderhoud",
                )
            )
        bulk(KitBlock, blocks)

    def add_matching_runs(self) -> None:
        """One scheduled run a week, every Monday morning, all finished."""
        from scheduler.models import MatchingRun

        runs = []
        start = self.cal.at(self.cal.monday - dt.timedelta(weeks=2), 6)
        while start < self.now:
            runs.append(
                MatchingRun(
                    municipality=self.municipality,
                    trigger=MatchingRun.Trigger.PERIODIC,
                    status=MatchingRun.Status.DONE,
                    progress=100,
                    created_at=start,
                    started_at=start,
                    finished_at=start + dt.timedelta(seconds=40),
                    requests_open=self.rng.randint(80, 200),
                    offers_made=self.rng.randint(60, 180),
                    unmatched=self.rng.randint(5, 30),
                    solve_s=round(self.rng.uniform(5, 30), 1),
                    engine_status="FEASIBLE",
                )
            )
            start += dt.timedelta(weeks=1)
        with given_times(MatchingRun):
            self.runs = bulk(MatchingRun, runs)

    def _run_before(self, moment: dt.datetime):
        starts = [run.created_at for run in self.runs]
        i = bisect.bisect_right(starts, moment) - 1
        return self.runs[i] if i >= 0 else None

    def add_session_requests(self) -> None:
        from scheduler.models import Offer, RequestWindow, SessionRequest, Visit

        s = self.sizes
        self.requests, self.windows, self.offers, self.visits = [], [], [], []
        self.hero_days: set[tuple[int, dt.date]] = set()
        self.hero_months: Counter = Counter()
        for _ in range(s.visits):
            self._visited_request()
        while len(self.requests) < s.session_requests:
            self._request_without_visit()
        with given_times(SessionRequest, Offer, Visit):
            bulk(SessionRequest, self.requests)
            bulk(RequestWindow, self.windows)
            bulk(Offer, self.offers)
            bulk(Visit, list(self.visits))

    def _new_request(self, kind: str, created: dt.datetime, **fields):
        from scheduler.models import SessionRequest

        rng = self.rng
        school = rng.choice(self.schools)
        group = rng.choice(self.groups_of[school.pk])
        staff = self.staff_of[school.pk]
        vr = kind == SessionRequest.Kind.VR
        request = SessionRequest(
            school=school,
            group=group,
            requested_by=staff[0] if staff else None,
            kind=kind,
            topic=None if vr or rng.random() < 0.2 else rng.choice(self.topics),
            language="nl" if rng.random() < 0.85 else rng.choice(["en", "tr", "ar"]),
            duration_min=90 if vr else rng.choice([45, 60, 60, 90]),
            class_size=group.pupils,
            created_at=created,
            updated_at=created,
            **fields,
        )
        self.requests.append(request)
        return request

    def _window(self, request, day: dt.date, start: int, end: int) -> None:
        from scheduler.models import RequestWindow

        self.windows.append(
            RequestWindow(
                request=request, starts_at=self.cal.at(day, start), ends_at=self.cal.at(day, end)
            )
        )

    def _visited_request(self) -> None:
        """A request with a confirmed visit: a fitting hero (VOG valid that day, within the
        monthly limit, free that day; VR-trained with a free kit for VR) accepted its offer,
        sometimes after another hero declined or let an offer expire."""
        from scheduler.models import Offer, SessionRequest, Visit

        rng, cal = self.rng, self.cal
        kind = SessionRequest.Kind.VR if rng.random() < VR_SHARE else SessionRequest.Kind.HERO
        days = cal.days_between(
            cal.first_day + dt.timedelta(days=14), cal.today + dt.timedelta(days=60)
        )
        for _ in range(100):
            hero, day, hour, kit = self._fitting(kind, rng.choice(days))
            if hero is not None:
                break
        else:
            raise RuntimeError("no hero fits a visit: the city has too few heroes for its visits")
        visit_start = cal.at(day, hour, rng.choice([0, 15, 30]))
        created = min(
            visit_start - dt.timedelta(days=rng.uniform(8, 45)), self.now - dt.timedelta(days=2)
        )
        request = self._new_request(kind, created)
        self._window(request, day, max(hour - 1, 8), min(hour + 3, 17))
        for _ in range(rng.randint(0, 2)):
            other = rng.choice(days)
            self._window(request, other, 9, 12)
        offered = created + dt.timedelta(days=rng.uniform(0.2, 3))
        roll = rng.random()
        if roll < DECLINED_BEFORE_VISIT + EXPIRED_BEFORE_VISIT:
            declined = roll < DECLINED_BEFORE_VISIT
            other_hero = rng.choice(self.heroes)
            if other_hero.pk != hero.pk:
                self._offer(
                    request,
                    other_hero,
                    None,
                    visit_start,
                    offered,
                    status=Offer.Status.DECLINED if declined else Offer.Status.EXPIRED,
                    answered=offered + dt.timedelta(hours=rng.uniform(2, 40)) if declined else None,
                    decline_reason=rng.choice(DECLINE_REASONS) if declined else "",
                )
                offered += dt.timedelta(days=3)
        offered = min(offered, visit_start - dt.timedelta(days=2), self.now - dt.timedelta(days=1))
        answered = min(offered + dt.timedelta(hours=rng.uniform(1, 40)), self.now)
        offer = self._offer(
            request, hero, kit, visit_start, offered, Offer.Status.ACCEPTED, answered
        )
        visit = Visit(
            request=request,
            offer=offer,
            hero=hero,
            kit=kit,
            starts_at=offer.starts_at,
            ends_at=offer.ends_at,
            created_at=answered,
            updated_at=answered,
        )
        self.visits.append(visit)
        done = visit.ends_at <= self.now
        request.status = SessionRequest.Status.DONE if done else SessionRequest.Status.CONFIRMED

    def _fitting(self, kind: str, day: dt.date):
        """A hero (and kit) free on `day` at an hour in their availability, or Nones. Looks
        at up to 40 of the heroes available on that weekday."""
        rng = self.rng
        vr = kind == "vr"
        candidates = self.available_on[day.weekday()]
        for hero, start, end in rng.sample(candidates, min(40, len(candidates))):
            vog = self.vog_of.get(hero.pk)
            fits = (
                vog is not None
                and vog[0] <= day <= vog[1]
                and (not vr or hero.vr_trained_on is not None)
                and (hero.left_at is None or day < local_date(hero.left_at))
                and (hero.pk, day) not in self.hero_days
                and self.hero_months[hero.pk, day.year, day.month] < hero.max_visits_per_month
            )
            if not fits:
                continue
            hour = rng.randint(start, end - 2)
            kit = None
            if vr:
                half = 0 if hour < 12 else 1
                free = [k for k in self.kits if (k.pk, day, half) not in self.kit_busy]
                if not free:
                    continue
                kit = rng.choice(free)
                self.kit_busy.add((kit.pk, day, half))
            self.hero_days.add((hero.pk, day))
            self.hero_months[hero.pk, day.year, day.month] += 1
            return hero, day, hour, kit
        return None, None, None, None

    def _offer(self, request, hero, kit, starts, offered, status, answered, decline_reason=""):
        from scheduler.models import Offer

        offer = Offer(
            request=request,
            hero=hero,
            kit=kit,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=request.duration_min),
            status=status,
            expires_at=offered + dt.timedelta(hours=72),
            responded_at=answered,
            decline_reason=decline_reason,
            run=self._run_before(offered),
            created_at=offered,
        )
        self.offers.append(offer)
        return offer

    def _request_without_visit(self) -> None:
        """Still open (mostly with the last run's reason), offered and waiting for the hero's
        answer, or cancelled by the school."""
        from scheduler.models import Offer, SessionRequest

        rng, cal = self.rng, self.cal
        kind = SessionRequest.Kind.VR if rng.random() < VR_SHARE else SessionRequest.Kind.HERO
        status = weighted(rng, OPEN_WITHOUT_VISIT)
        ahead = cal.days_between(
            cal.today + dt.timedelta(days=3), cal.today + dt.timedelta(days=45)
        )
        days = ahead or cal.lesson_days[-10:]
        created = self.now - dt.timedelta(days=rng.uniform(1, 20))
        reason = ""
        if status == "open" and rng.random() < 0.8:
            reason = weighted(rng, VR_REASONS if kind == "vr" else HERO_REASONS)
        request = self._new_request(kind, created, status=status, unmatched_reason=reason)
        for day in rng.sample(days, min(len(days), rng.randint(1, 3))):
            self._window(request, day, 9, 15)
        if reason == "all_candidates_excluded":
            for hero in rng.sample(self.heroes, min(2, len(self.heroes))):
                answered = created + dt.timedelta(hours=rng.uniform(2, 30))
                self._offer(
                    request,
                    hero,
                    None,
                    cal.at(days[0], 10),
                    created,
                    Offer.Status.DECLINED,
                    min(answered, self.now),
                    rng.choice(DECLINE_REASONS),
                )
        elif status == "offered":
            offered = self.now - dt.timedelta(hours=rng.uniform(1, 60))
            request.created_at = request.updated_at = min(created, offered)
            hero = rng.choice([h for h in self.heroes if h.left_at is None])
            kit = rng.choice(self.kits) if kind == "vr" and self.kits else None
            self._offer(
                request, hero, kit, cal.at(days[0], 10), offered, Offer.Status.PENDING, None
            )
