"""Activities with their weekly sessions, enrolments (lottery rounds, first come, what
happened since) and the register of past sessions."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from core.time import local_datetime

from .common import BATCH, bulk, given_times, weighted

AGES = ("onderbouw", "bovenbouw")
ACTIVITY_TITLES = {
    "sport": ["Voetbal", "Judo", "Dans", "Basketbal", "Zwemmen", "Turnen", "Boksen"],
    "culture": ["Theater", "Gitaarles", "Koor", "Tekenen", "Rap en poëzie", "Fotografie"],
    "technology": ["Programmeren", "Robots bouwen", "Proefjes", "3D-printen", "Game design"],
    "homework": ["Huiswerkklas", "Rekenhulp", "Leesclub", "Examentraining"],
    "nature": ["Moestuin", "Natuurspeurtocht", "Dierenverzorging"],
    "cooking": ["Koken", "Bakken", "Gezond eten"],
    "other": ["Schaken", "Debatclub", "Meidenclub", "Jongensclub"],
}

# Shares of what happens; chosen to look like a programme in its second year.
DROP_OUT = 0.10  # of the places held when the activity started: stop after a session or more
CANCEL_BEFORE_START = 0.03
OFFER_DECLINED = 0.2  # a place offered from the waiting list and turned down
ATTENDANCE_KEPT = 0.85  # activities whose staff keep the register
# When activities run, as weeks after the first Monday of lessons: (share, first week, weeks).
BLOCKS = [
    (0.35, (2, 3), (10, 14)),  # autumn
    (0.15, (2, 3), (26, 32)),  # the whole year
    (0.30, (18, 19), (10, 12)),  # winter
    (0.20, (30, 31), (10, 12)),  # spring
]
ENROLMENT_OPENS_DAYS = 42


class Activities:
    """Activities, sessions, enrolments and attendance (a part of demo.scale.CityBuilder)."""

    def add_activities(self) -> None:
        from activities.models import Activity, LotteryRound

        s, rng = self.sizes, self.rng
        lottery_schools = [sc for sc in self.schools if sc.level == "po"][: s.lottery_rounds]
        rounds = []
        activities = []
        for r, school in enumerate(lottery_schools):
            first = self._first_date(rng.randrange(5), 2)
            closes = self.cal.at(first - dt.timedelta(days=3), 23)
            rounds.append(
                LotteryRound(school=school, name=f"Loting najaar {r + 1}", closes_at=closes)
            )
            for _ in range(s.activities_per_round):
                activities.append(self._activity(school, block=0, first=first))
        self.rounds = bulk(LotteryRound, rounds)
        for i, act in enumerate(activities):
            act.allocation = Activity.Allocation.LOTTERY
            act.lottery_round = self.rounds[i // s.activities_per_round]
            act.capacity = 12
            act.grade_min, act.grade_max = 3, 8
            act.enrolment_closes_at = act.lottery_round.closes_at
        while len(activities) < s.activities:
            activities.append(self._activity(rng.choice(self.schools)))
        with given_times(Activity):
            self.activities = bulk(Activity, activities)
        through = Activity.priority_neighbourhoods.through
        bulk(
            through,
            [
                through(activity_id=act.pk, neighbourhood_id=n.pk)
                for act in self.activities
                if self.target_areas and rng.random() < 0.2
                for n in rng.sample(self.target_areas, min(2, len(self.target_areas)))
            ],
        )
        self.priority_areas = defaultdict(set)
        for row in through.objects.values_list("activity_id", "neighbourhood_id"):
            self.priority_areas[row[0]].add(row[1])

    def _first_date(self, weekday: int, week: int) -> dt.date:
        return self.cal.monday + dt.timedelta(weeks=week, days=weekday)

    def _activity(self, school, block: int | None = None, first: dt.date | None = None):
        from activities.models import Activity, Category

        rng, cal = self.rng, self.cal
        if block is None:
            block = rng.choices(range(len(BLOCKS)), weights=[b[0] for b in BLOCKS])[0]
        _share, first_weeks, weeks = BLOCKS[block]
        weekday = first.weekday() if first else rng.randrange(5)
        first = first or self._first_date(weekday, rng.randint(*first_weeks))
        last = min(first + dt.timedelta(weeks=rng.randint(*weeks) - 1), cal.last_day)
        while last.weekday() != weekday:
            last -= dt.timedelta(days=1)
        vo = school.level == "vo"
        grade_min = rng.randint(1, 5 if vo else 6)
        grade_max = min(grade_min + rng.randint(1, 3), 6 if vo else 8)
        if vo:
            starts = [(15, 0), (15, 30), (16, 0)]
        elif weekday == 2:  # Wednesday afternoon: primary schools are out at noon
            starts = [(12, 30), (13, 0)]
        else:
            starts = [(14, 0), (14, 30), (15, 0), (15, 30)]
        hour, minute = rng.choice(starts)
        length = rng.choice([60, 60, 75, 90])
        category = rng.choice(list(Category.values))
        opens = cal.at(first - dt.timedelta(days=ENROLMENT_OPENS_DAYS), 9)
        staff = self.staff_of[school.pk]
        return Activity(
            school=school,
            venue=rng.choice(self.venues) if self.venues and rng.random() < 0.15 else None,
            title=f"{rng.choice(ACTIVITY_TITLES[category])} {AGES[grade_min >= 4]}",
            description="Elke week samen aan de slag na school.",
            category=category,
            level=school.level,
            grade_min=grade_min,
            grade_max=grade_max,
            capacity=rng.choice([10, 12, 12, 15, 16, 20, 20, 24, 30]),
            enrolment_opens_at=opens,
            enrolment_closes_at=cal.at(first - dt.timedelta(days=3), 23),
            priority_own_school=rng.random() < 0.3,
            weekday=weekday,
            start_time=dt.time(hour, minute),
            end_time=dt.time(hour + (minute + length) // 60, (minute + length) % 60),
            first_date=first,
            last_date=last,
            status=Activity.Status.PUBLISHED,
            created_by=staff[0] if staff else None,
            created_at=opens - dt.timedelta(days=14),
            updated_at=opens - dt.timedelta(days=14),
        )

    def add_occurrences(self) -> None:
        """Weekly sessions from the first to the last date, none on a holiday."""
        from activities.models import Occurrence

        rows = []
        for act in self.activities:
            day = act.first_date
            while day <= act.last_date:
                if day not in self.cal.closed:
                    starts = local_datetime(day, act.start_time)
                    cancelled = self.rng.random() < 0.01
                    rows.append(
                        Occurrence(
                            activity_id=act.pk,
                            date=day,
                            starts_at=starts,
                            ends_at=local_datetime(day, act.end_time),
                            cancelled_at=starts - dt.timedelta(days=2) if cancelled else None,
                            cancel_reason="De begeleider is ziek." if cancelled else "",
                        )
                    )
                day += dt.timedelta(weeks=1)
        self.occurrences = bulk(Occurrence, rows)
        self.sessions_of = defaultdict(list)
        for occ in self.occurrences:
            self.sessions_of[occ.activity_id].append(occ)

    # --- enrolments ----------------------------------------------------------------------

    def add_enrolments(self) -> None:
        """Lottery rounds first (drawn when they have closed), then first come, first served
        for the rest, weighted towards popular activities; then what happened since."""
        from activities.models import Enrolment

        self.enrolled: list[Enrolment] = []
        self.taken: set[tuple[int, int]] = set()
        drawn = [self._lottery_round(r) for r in self.rounds]
        self._first_come(self.sizes.enrolments - len(self.enrolled))
        bulk(Enrolment, self.enrolled)
        for round, result in zip(self.rounds, drawn, strict=True):
            if result is not None:
                self._record_draw(round, *result)
        self._count_seats()

    def _eligible_child(self, act):
        """A child of the activity's grades, mostly from its own school, not yet enrolled."""
        rng = self.rng
        for _ in range(30):
            grade = rng.randint(act.grade_min, act.grade_max)
            pool = (
                self.by_school_grade[act.school_id, grade]
                if rng.random() < 0.8
                else self.by_level_grade[act.level, grade]
            )
            if pool:
                child = rng.choice(pool)
                if (child.pk, act.pk) not in self.taken:
                    self.taken.add((child.pk, act.pk))
                    return child
        return None

    def _tier(self, act, child) -> int:
        tier = 2
        if act.priority_own_school and child.school_id == act.school_id:
            tier -= 1
        if child.neighbourhood_id in self.priority_areas.get(act.pk, ()):
            tier -= 1
        return tier

    def _enrolment(self, act, child, applied_at, **fields):
        from activities.models import Enrolment

        row = Enrolment(
            child_id=child.pk,
            activity_id=act.pk,
            priority_tier=self._tier(act, child),
            applied_at=applied_at,
            created_by_id=child.guardian_id,
            **fields,
        )
        self.enrolled.append(row)
        return row

    def _applied_at(self, act) -> dt.datetime | None:
        end = min(act.enrolment_closes_at, self.now)
        if end <= act.enrolment_opens_at:
            return None
        span = (end - act.enrolment_opens_at).total_seconds()
        # Most families apply in the first days.
        return act.enrolment_opens_at + dt.timedelta(seconds=span * self.rng.random() ** 2.5)

    def _lottery_round(self, round):
        """Applications with ranked choices; drawn with activities.lottery's own draw when
        the round has closed. Returns (result, applications, first index, drawn_at)."""
        from activities.lottery import Application, lottery_compute
        from activities.models import Enrolment

        rng = self.rng
        acts = [a for a in self.activities if a.lottery_round_id == round.pk]
        first = len(self.enrolled)
        applicants = sum(a.capacity for a in acts) * 3 // 2
        for _ in range(applicants):
            child = self._eligible_child(acts[0])
            if child is None:
                continue
            self.taken.discard((child.pk, acts[0].pk))
            for rank, act in enumerate(rng.sample(acts, rng.randint(1, len(acts))), start=1):
                if (child.pk, act.pk) in self.taken or not (
                    act.grade_min <= child.grade <= act.grade_max
                ):
                    continue
                self.taken.add((child.pk, act.pk))
                applied = self._applied_at(act)
                if applied is not None:
                    self._enrolment(
                        act, child, applied, status=Enrolment.Status.APPLIED, choice_rank=rank
                    )
        drawn_at = round.closes_at + dt.timedelta(minutes=5)
        if drawn_at > self.now:
            return None
        applications = [
            Application(i, e.child_id, e.activity_id, e.priority_tier, e.choice_rank, None)
            for i, e in enumerate(self.enrolled[first:], start=first)
        ]
        places = {a.pk: a.capacity for a in acts}
        result = lottery_compute(applications=applications, places=places, seed=rng.getrandbits(63))
        for pks in result.confirmed.values():
            for i in pks:
                self.enrolled[i].status = Enrolment.Status.CONFIRMED
                self.enrolled[i].placed_at = self.enrolled[i].decided_at = drawn_at
        for pks in result.waitlisted.values():
            for position, i in enumerate(pks, start=1):
                self.enrolled[i].status = Enrolment.Status.WAITLISTED
                self.enrolled[i].applied_at = round.closes_at + dt.timedelta(microseconds=position)
                self.enrolled[i].waitlisted_at = round.closes_at
        for i in result.cancelled:
            self.enrolled[i].status = Enrolment.Status.CANCELLED
            self.enrolled[i].decided_at = drawn_at
        return result, applications, places, drawn_at

    def _record_draw(self, round, result, applications, places, drawn_at) -> None:
        """The round's draw_log as lottery_draw writes it, with the enrolments' real ids, and
        checked: replaying it gives the same draw."""
        from activities.lottery import Application, DrawResult, lottery_replay

        pk = [row.pk for row in self.enrolled]
        real = DrawResult(
            seed=result.seed,
            tickets=result.tickets,
            confirmed={a: [pk[i] for i in ids] for a, ids in result.confirmed.items()},
            waitlisted={a: [pk[i] for i in ids] for a, ids in result.waitlisted.items()},
            cancelled=[pk[i] for i in result.cancelled],
            passes=result.passes,
        )
        apps = [
            Application(pk[a.enrolment_id], a.child_id, a.activity_id, a.tier, a.rank, None)
            for a in applications
        ]
        round.seed, round.drawn_at = result.seed, drawn_at
        round.draw_log = {
            **real.as_log(),
            "drawn_at": drawn_at.isoformat(),
            "input": {
                "places": {str(a): n for a, n in places.items()},
                "applications": [list(vars(app).values()) for app in apps],
            },
        }
        if lottery_replay(round.draw_log).as_log() != real.as_log():
            raise AssertionError(f"the seeded draw of {round} does not replay")
        round.save(update_fields=["seed", "drawn_at", "draw_log"])

    def _first_come(self, count: int) -> None:
        from activities.models import Activity

        rng = self.rng
        open_ = [
            a
            for a in self.activities
            if a.allocation == Activity.Allocation.FIRST_COME and a.enrolment_opens_at < self.now
        ]
        if not open_ and count:
            raise SystemExit("No activity has opened its enrolment yet in this school year.")
        weights = [a.capacity * rng.lognormvariate(0, 0.8) for a in open_]
        wanted = Counter(rng.choices(range(len(open_)), weights=weights, k=count))
        for index in sorted(wanted):
            act = open_[index]
            applied = []
            for _ in range(wanted[index]):
                child, at = self._eligible_child(act), self._applied_at(act)
                if child is not None and at is not None:
                    applied.append((at, child))
            applied.sort(key=lambda pair: pair[0])
            self._queue(act, applied)

    def _queue(self, act, applied) -> None:
        """Places in order of arrival, then the waiting list; then the changes since: some
        families cancel before the start, some children stop after a session or more, and
        each freed place goes to the next on the waiting list."""
        from activities.models import Enrolment

        held, waiting = [], []
        for at, child in applied:
            if len(held) < act.capacity:
                held.append(
                    self._enrolment(
                        act,
                        child,
                        at,
                        status=Enrolment.Status.CONFIRMED,
                        placed_at=at,
                        decided_at=at,
                    )
                )
            else:
                waiting.append(
                    self._enrolment(
                        act, child, at, status=Enrolment.Status.WAITLISTED, waitlisted_at=at
                    )
                )
        waiting.sort(key=lambda e: (e.priority_tier, e.applied_at))
        sessions = self.sessions_of[act.pk]
        started = sessions[0].ends_at if sessions and sessions[0].ends_at < self.now else None
        for enrolment in held:
            roll = self.rng.random()
            if started and roll < DROP_OUT:
                at = started + dt.timedelta(days=self.rng.uniform(1, 60))
                if at >= sessions[-1].starts_at:
                    continue
            elif DROP_OUT <= roll < DROP_OUT + CANCEL_BEFORE_START:
                at = enrolment.applied_at + dt.timedelta(days=self.rng.uniform(1, 10))
                if sessions and at >= sessions[0].starts_at:
                    continue
            else:
                continue
            if at < self.now:
                enrolment.status, enrolment.decided_at = Enrolment.Status.CANCELLED, at
                self._move_up(act, waiting, at)

    def _move_up(self, act, waiting, at: dt.datetime) -> None:
        from activities.models import Enrolment

        while waiting:
            enrolment = waiting.pop(0)
            at = max(at, enrolment.applied_at)
            enrolment.placed_at = at
            answer_by = at + dt.timedelta(hours=act.offer_hours)
            if answer_by > self.now:
                enrolment.status = Enrolment.Status.OFFERED
                enrolment.offer_expires_at = answer_by
                enrolment.decided_at = at
                return
            answered = at + dt.timedelta(hours=self.rng.uniform(1, act.offer_hours))
            enrolment.decided_at = answered
            if self.rng.random() >= OFFER_DECLINED:
                enrolment.status = Enrolment.Status.CONFIRMED
                return
            enrolment.status = Enrolment.Status.DECLINED
            at = answered

    def _count_seats(self) -> None:
        from activities.models import Activity, Enrolment

        held = Counter(e.activity_id for e in self.enrolled if e.status in Enrolment.HOLDS_SEAT)
        changed = []
        for act in self.activities:
            act.seats_taken = held[act.pk]
            if act.seats_taken:
                changed.append(act)
        Activity.objects.bulk_update(changed, ["seats_taken"], batch_size=BATCH)

    def add_attendance(self) -> None:
        """The register of past sessions, for most activities: who held a place then."""
        from activities.models import Attendance, Enrolment

        attended = (Enrolment.Status.CONFIRMED, Enrolment.Status.CANCELLED)
        rng = self.rng
        by_activity = defaultdict(list)
        for e in self.enrolled:
            if e.placed_at is not None and e.status in attended:
                by_activity[e.activity_id].append(e)
        rows = []
        statuses = [("present", 85), ("absent", 10), ("excused", 5)]
        for act in self.activities:
            if rng.random() >= ATTENDANCE_KEPT:
                continue
            staff = self.staff_of[act.school_id]
            for occ in self.sessions_of[act.pk]:
                if occ.ends_at >= self.now or occ.cancelled_at:
                    continue
                for e in by_activity[act.pk]:
                    left = e.decided_at if e.status == Enrolment.Status.CANCELLED else None
                    if e.placed_at <= occ.starts_at and (left is None or left > occ.starts_at):
                        rows.append(
                            Attendance(
                                occurrence_id=occ.pk,
                                enrolment_id=e.pk,
                                status=weighted(rng, statuses),
                                recorded_by_id=staff[-1].pk if staff else None,
                                recorded_at=occ.ends_at + dt.timedelta(hours=1),
                            )
                        )
        with given_times(Attendance):
            bulk(Attendance, rows)
