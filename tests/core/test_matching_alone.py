"""The matching engine is a calculator: it imports and solves with OR-Tools alone, no Django,
no Celery, nothing else of ours (the import-linter contract says the same about the code)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter in which importing django, celery or any app of ours fails.
SCRIPT = r"""
import datetime as dt, importlib.abc, json, pkgutil, sys

BLOCKED = {"django", "celery", "rest_framework", "config", "core", "accounts", "schools",
           "heroes", "activities", "notifications", "demo"}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in BLOCKED or (name.startswith("scheduler.") and not
                              name.startswith("scheduler.matching")):
            raise ImportError(f"blocked: {name}")
        return None

sys.meta_path.insert(0, Block())

import scheduler.matching
from scheduler.matching import model as m, solver

names = [f"scheduler.matching.{info.name}"
         for info in pkgutil.iter_modules(scheduler.matching.__path__)]
for name in names:
    importlib.import_module(name)

tz = dt.timezone.utc
day = dt.datetime(2027, 1, 12, 9, tzinfo=tz)
inst = m.Instance(
    requests=(m.Request(id="r1", kind=m.HERO, school="s1", size=20, duration_min=60,
                        windows=((day, day + dt.timedelta(hours=3)),), topic="", language="nl",
                        created_at=day - dt.timedelta(days=7), priority=0, neighbourhood="n1"),),
    heroes=(m.Hero(id="h1", available=((day, day + dt.timedelta(hours=6)),),
                   vog_valid_until=dt.date(2030, 1, 1), vr_trained=False,
                   max_visits_per_month=4, topics=frozenset(), languages=frozenset({"nl"}),
                   home_neighbourhood=None, neighbourhoods=frozenset(),
                   schools_before=frozenset()),),
    kits=(), fixed=(), exclusions=frozenset(), now=day - dt.timedelta(days=1),
    travel_buffer_min=30,
)
result = solver.solve(inst, solver.Params(time_limit_s=5))
print(json.dumps({"modules": names, "served": len(result.assignments),
                  "loaded": sorted(k.split(".")[0] for k in sys.modules
                                   if k.split(".")[0] in BLOCKED)}))
"""


def test_the_engine_imports_and_solves_without_django_celery_or_our_apps():
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert "scheduler.matching.solver" in out["modules"]
    assert out["served"] == 1
    assert out["loaded"] == []
