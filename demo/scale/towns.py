"""The scales `python manage.py demo --scale` builds: one big city, or the eight municipalities
of the national programme, each a share of the nation's sizes."""

from __future__ import annotations

from dataclasses import dataclass

from .common import CITY, TINY, Sizes, Town

# The programme's national sizes (issue 14): about 1,000 schools with some 300,000 pupils in
# their groups, 20,000 activities a school year, 5,000 Local Heroes, dozens of VR kits. Half
# the pupils are registered by a parent, as in the city.
NATION = Sizes(
    neighbourhoods=200,
    target_areas=40,
    venues=80,
    schools=1_000,
    secondary_schools=150,
    children=150_000,
    parents=75_000,
    activities=20_000,
    enrolments=200_000,
    heroes=5_000,
    kits=40,
    session_requests=36_000,
    visits=30_000,
    po_groups=(1, 1, 2, 2),
    vo_groups=(2, 3, 3, 4),
)


@dataclass(frozen=True)
class Part:
    town: Town
    sizes: Sizes


def town(name: str, slug: str, region: str, brin_start: int) -> Town:
    return Town(name, slug, region, f"{slug}.scale.test", brin_start)


# (name, slug, holiday region, share of the nation: roughly the share of inhabitants)
MUNICIPALITIES = [
    ("Amsterdam", "amsterdam", "noord", 0.28),
    ("Rotterdam", "rotterdam", "midden", 0.20),
    ("Den Haag", "den-haag", "midden", 0.17),
    ("Utrecht", "utrecht", "midden", 0.11),
    ("Eindhoven", "eindhoven", "zuid", 0.072),
    ("Tilburg", "tilburg", "zuid", 0.068),
    ("Arnhem", "arnhem", "zuid", 0.05),
    ("Zaanstad", "zaanstad", "noord", 0.05),
]


def national() -> list[Part]:
    """The eight municipalities, their BRIN codes numbered on from one to the next."""
    parts, brin = [], 0
    for name, slug, region, share in MUNICIPALITIES:
        sizes = NATION.share(share)
        parts.append(Part(town(name, slug, region, brin), sizes))
        brin += sizes.schools
    return parts


def city() -> list[Part]:
    """One big city: Amsterdam at the size of the dashboard benchmark's city."""
    return [Part(town("Amsterdam", "amsterdam", "noord", 0), CITY)]


def tiny() -> list[Part]:
    """Two tiny towns, for the command's tests."""
    return [
        Part(town("Zaanstad", "zaanstad", "noord", 0), TINY),
        Part(town("Arnhem", "arnhem", "zuid", TINY.schools), TINY),
    ]


SCALES = {"city": city, "national": national, "tiny": tiny}
