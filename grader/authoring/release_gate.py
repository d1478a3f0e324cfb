"""No notebook reaches students before the answers it carries are due.

A release notebook that embeds other assignments' graded solutions as given code (see
grader/authoring/embedded.py and release/embedded_solutions.json) may be released only once every one of
those assignments is past its due date (course.toml). Both front doors ask here: `nbgrader
release_assignment` (grader.nbgrader_plugin.GatedReleaseAssignment) and the student-distribution
builder (grader/authoring/student_dist.py). Instructors who choose otherwise say so explicitly
(`--allow-early-release`, or GRADER_ALLOW_EARLY_RELEASE=1).

`GRADER_RELEASE_NOW` (an ISO 8601 time with its UTC offset) replaces the clock, so that tests and
an instructor planning the term can ask "could I release this on that day?".
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import zoneinfo

from grader import course
from grader.authoring import embedded

NOW_ENV = "GRADER_RELEASE_NOW"
ALLOW_ENV = "GRADER_ALLOW_EARLY_RELEASE"


class EarlyRelease(Exception):
    """Releasing now would hand out answers that are not due yet (the message says which)."""


@dataclasses.dataclass(frozen=True)
class Blocker:
    assignment_id: str           # whose graded solutions the notebook carries
    due: dt.datetime | None      # None: course.toml gives it no due date
    names: tuple[str, ...]


def now() -> dt.datetime:
    value = os.environ.get(NOW_ENV, "").strip()
    if not value:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"{NOW_ENV}={value!r}: give a time with its UTC offset, "
                         f"e.g. 2027-04-21T09:00:00+09:00")
    return moment


def allowed_by_environment() -> bool:
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes")


def blockers(assignment_id: str, at: dt.datetime | None = None) -> list[Blocker]:
    """The assignments whose solutions this notebook embeds and that are not yet due at `at`."""
    at = at or now()
    policies = course.load()
    found = []
    for other, names in embedded.embedded_record(assignment_id).items():
        due = policies.policy(other).due
        if due is None or at < due:
            found.append(Blocker(other, due, tuple(names)))
    return found


def describe(assignment_id: str, found: list[Blocker], how_to_override: str) -> str:
    zone = zoneinfo.ZoneInfo(course.load().timezone)
    lines = [f"{assignment_id} cannot be released yet: its notebook gives out, as given code, "
             f"the graded solutions of"]
    for blocker in found:
        shown = ", ".join(blocker.names[:4]) + (", ..." if len(blocker.names) > 4 else "")
        when = (f"due {blocker.due.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})" if blocker.due
                else "which has no due date in course.toml")
        lines.append(f"  - {blocker.assignment_id} ({shown}), {when}")
    last = max((b.due for b in found if b.due), default=None)
    if all(b.due for b in found):
        lines.append(f"Release it after {last.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key}), "
                     f"or {how_to_override} to hand out those answers early.")
    else:
        lines.append(f"Give those assignments a due date in course.toml, or {how_to_override} "
                     f"to hand out those answers early.")
    return "\n".join(lines)


def check(assignment_id: str, *, how_to_override: str, at: dt.datetime | None = None,
          allow_early: bool = False) -> list[Blocker]:
    """Raise EarlyRelease unless the release is due or explicitly allowed; return the blockers
    that an allowed early release overrides (empty when nothing was early)."""
    found = blockers(assignment_id, at)
    if found and not (allow_early or allowed_by_environment()):
        raise EarlyRelease(describe(assignment_id, found, how_to_override))
    return found
