"""Instances and solutions as JSON, in the format of issue 4 (times ISO 8601 with offset).

Keys beyond the issue's (now, created_at, fixed, exclusions, ...) are optional on reading.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .model import Assignment, Hero, Instance, Kit, Request


def _t(value: dt.datetime) -> str:
    return value.isoformat()


def _p(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time without offset: {text}")
    return value


def _spans(spans) -> list[list[str]]:
    return [[_t(a), _t(b)] for a, b in spans]


def _read_spans(items) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    return tuple((_p(a), _p(b)) for a, b in items)


def assignment_to_dict(a: Assignment) -> dict[str, Any]:
    return {
        "request": a.request,
        "hero": a.hero,
        "kit": a.kit,
        "start": _t(a.start),
        "end": _t(a.end),
    }


def assignment_from_dict(d: dict[str, Any]) -> Assignment:
    return Assignment(d["request"], d["hero"], d.get("kit"), _p(d["start"]), _p(d["end"]))


def instance_to_dict(inst: Instance) -> dict[str, Any]:
    return {
        "travel_buffer_min": inst.travel_buffer_min,
        "requests": [
            {
                "id": r.id,
                "kind": r.kind,
                "school": r.school,
                "size": r.size,
                "duration_min": r.duration_min,
                "windows": _spans(r.windows),
                "topic": r.topic,
                "language": r.language,
                "created_at": _t(r.created_at),
                "priority": r.priority,
                "neighbourhood": r.neighbourhood,
                "topic_required": r.topic_required,
            }
            for r in inst.requests
        ],
        "heroes": [
            {
                "id": h.id,
                "available": _spans(h.available),
                "vog_valid_until": h.vog_valid_until.isoformat() if h.vog_valid_until else None,
                "vr_trained": h.vr_trained,
                "max_visits_per_month": h.max_visits_per_month,
                "topics": sorted(h.topics),
                "languages": sorted(h.languages),
                "home_neighbourhood": h.home_neighbourhood,
                "neighbourhoods": sorted(h.neighbourhoods),
                "schools_before": sorted(h.schools_before),
            }
            for h in inst.heroes
        ],
        "kits": [
            {"id": k.id, "headsets": k.headsets, "blocked": _spans(k.blocked)} for k in inst.kits
        ],
        "fixed": [assignment_to_dict(a) for a in inst.fixed],
        "exclusions": [list(p) for p in sorted(inst.exclusions)],
        "now": _t(inst.now) if inst.now else None,
        "grid_min": inst.grid_min,
        "timezone": inst.timezone,
        "language_required": inst.language_required,
        "topic_required": inst.topic_required,
    }


def instance_from_dict(d: dict[str, Any]) -> Instance:
    requests = tuple(
        Request(
            id=r["id"],
            kind=r["kind"],
            school=r["school"],
            size=r["size"],
            duration_min=r["duration_min"],
            windows=_read_spans(r["windows"]),
            topic=r["topic"],
            language=r["language"],
            # Without created_at all requests are equally old; the window decides.
            created_at=_p(r.get("created_at") or "2000-01-01T00:00:00+00:00"),
            priority=r.get("priority", 0),
            neighbourhood=r.get("neighbourhood"),
            topic_required=r.get("topic_required", False),
        )
        for r in d["requests"]
    )
    heroes = tuple(
        Hero(
            id=h["id"],
            available=_read_spans(h["available"]),
            vog_valid_until=dt.date.fromisoformat(h["vog_valid_until"])
            if h.get("vog_valid_until")
            else None,
            vr_trained=bool(h["vr_trained"]),
            max_visits_per_month=h["max_visits_per_month"],
            topics=frozenset(h.get("topics", ())),
            languages=frozenset(h.get("languages", ())),
            home_neighbourhood=h.get("home_neighbourhood"),
            neighbourhoods=frozenset(h.get("neighbourhoods", ())),
            schools_before=frozenset(h.get("schools_before", ())),
        )
        for h in d["heroes"]
    )
    kits = tuple(Kit(k["id"], k["headsets"], _read_spans(k.get("blocked", ()))) for k in d["kits"])
    return Instance(
        requests=requests,
        heroes=heroes,
        kits=kits,
        fixed=tuple(assignment_from_dict(a) for a in d.get("fixed", ())),
        exclusions=frozenset((a, b) for a, b in d.get("exclusions", ())),
        now=_p(d["now"]) if d.get("now") else None,
        travel_buffer_min=d.get("travel_buffer_min", 30),
        grid_min=d.get("grid_min", 15),
        timezone=d.get("timezone", "Europe/Amsterdam"),
        language_required=d.get("language_required", True),
        topic_required=d.get("topic_required", False),
    )


def solution_to_dict(assignments) -> dict[str, Any]:
    return {"assignments": [assignment_to_dict(a) for a in assignments]}


def solution_from_dict(d: dict[str, Any]) -> tuple[Assignment, ...]:
    return tuple(assignment_from_dict(a) for a in d["assignments"])


def write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())
