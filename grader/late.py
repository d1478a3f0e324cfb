"""Late submissions: one rule from the course file, the same points off on both grading paths.

When a submission was handed in:
- nbgrader's layout: `submitted/<student>/<assignment>/timestamp.txt`, written by `nbgrader submit`,
  `collect` and `zip_collect`; read here exactly as nbgrader reads it (`parse_timestamp` follows
  nbgrader.utils.parse_utc, which a test compares it with);
- LMS downloads: the attempt time in the file name, in the course's time zone;
- anything else (a flat layout, one notebook file): unknown, and never late (as in nbgrader).

The due date is the student's own (course.toml: the assignment's `due`, or their extension). The
rule (course.LatePolicy) takes a share of the score the submission earned: `grader grade` applies
it to every result (`Result.late_penalty`), and nbgrader's autograde through
`grader.nbgrader_plugin.CourseLatePenalty`, its late-submission plugin, with the same `penalty`
function, so `nbgrader export` and the grader's gradebook give identical totals. The penalty is
worked out when results are reported, from the stored submission time and the course file as it
is then: granting an extension needs no regrading.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import stat
import zoneinfo
from pathlib import Path

from grader import course as course_file

TIMESTAMP_FILE = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 200
DAY = 86400.0
_WEEKDAYS = "월화수목금토일"


@dataclasses.dataclass(frozen=True)
class Lateness:
    due: dt.datetime              # the student's due date (their extension, if any)
    extended: bool                # an extension applies
    submitted_at: dt.datetime
    seconds_late: float           # 0 when on time (the grace period is not subtracted)
    days: int                     # started days late, 0 within the grace period
    fraction: float               # share of the earned score taken off
    penalty: float                # points taken off

    def to_dict(self) -> dict:
        return {"due": self.due.isoformat(), "extended": self.extended,
                "submitted_at": self.submitted_at.isoformat(), "seconds_late": self.seconds_late,
                "days": self.days, "fraction": self.fraction, "penalty": self.penalty}


# ----------------------------------------------------------------------------- the rule

def penalty(policy: course_file.LatePolicy, score: float, seconds_late: float) -> tuple[int, float, float]:
    """(days late, share taken off, points taken off) for `score` handed in `seconds_late` after
    the due date. The one function both grading paths call."""
    if seconds_late <= 0 or seconds_late <= policy.grace_minutes * 60 or not policy.penalises:
        return 0, 0.0, 0.0
    days = math.ceil(seconds_late / DAY)
    if policy.max_days is not None and seconds_late > policy.max_days * DAY:
        fraction = 1.0
    else:
        fraction = min(1.0, round(policy.per_day * days, 10))
    score = max(0.0, float(score))
    return days, fraction, min(score, round(score * fraction, 4))


def assess(course: course_file.Course, assignment_id: str, student: str,
           submitted_at: dt.datetime | None, score: float) -> Lateness | None:
    """How late this submission is and what it costs; None when there is no due date or no
    submission time."""
    due = course.due_for(assignment_id, student)
    if due is None or submitted_at is None:
        return None
    seconds = max(0.0, (submitted_at - due).total_seconds())
    days, fraction, points = penalty(course.late_policy(assignment_id), score, seconds)
    return Lateness(due, course.extension(assignment_id, student) is not None, submitted_at,
                    seconds, days, fraction, points)


def apply(result, course: course_file.Course | None = None):
    """Set `result.late` and `result.late_penalty` from its submission time (idempotent)."""
    course = course or course_file.load()
    lateness = assess(course, result.assignment, result.student, parse_iso(result.submitted_at),
                      result.raw_score)
    result.late = lateness.to_dict() if lateness else None
    result.late_penalty = lateness.penalty if lateness else 0.0
    return result


# ----------------------------------------------------------------------------- submission times

def parse_timestamp(text: str) -> dt.datetime:
    """A timestamp.txt as nbgrader.utils.parse_utc reads it (UTC), made timezone-aware.

    "2026-03-09 14:59:00.000000 UTC" (nbgrader submit), "2026-03-09 23:59:00+09:00" (zip_collect
    through the course's LMS collector), "... Asia/Seoul"; ValueError for anything else."""
    import dateutil.parser
    import dateutil.tz

    parts = text.split(" ")
    if len(parts) == 3:
        zone = parts[2]
        try:
            zone = int(zone)
        except ValueError:
            zone = dateutil.tz.gettz(zone)
        moment = dateutil.parser.parse(" ".join(parts[:2] + ["TZ"]), tzinfos={"TZ": zone})
    else:
        moment = dateutil.parser.parse(text)
    if moment.tzinfo is not None:
        moment = (moment - moment.utcoffset()).replace(tzinfo=None)
    return moment.replace(tzinfo=dt.UTC)


def read_timestamp(folder: Path) -> tuple[dt.datetime | None, str | None]:
    """(submission time, problem) from `folder/timestamp.txt`: a regular file, read without
    following a link or waiting on a FIFO, at most a few hundred bytes. (None, None) when absent."""
    path = Path(folder) / TIMESTAMP_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None, None
    except OSError:
        return None, "timestamp.txt cannot be opened (not a regular file)"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, "timestamp.txt is not a regular file"
        data = os.read(fd, MAX_TIMESTAMP_BYTES + 1)
    finally:
        os.close(fd)
    text = data.decode("utf-8", "replace").strip()
    if not text:
        return None, None  # nbgrader: "Empty timestamp file", no time
    if len(data) > MAX_TIMESTAMP_BYTES:
        return None, "timestamp.txt is too long"
    try:
        return parse_timestamp(text), None
    except (ValueError, OverflowError, TypeError):
        return None, "timestamp.txt does not hold a time"


def local_moment(naive: dt.datetime | None, timezone: str) -> dt.datetime | None:
    """An LMS attempt time (local wall-clock time in the course's zone) made timezone-aware."""
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(timezone)) if naive is not None else None


def parse_iso(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


# ----------------------------------------------------------------------------- for students (Korean)

def when(moment: dt.datetime, timezone: str, weekday: bool = False) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(timezone))
    day = f" ({_WEEKDAYS[local.weekday()]})" if weekday else ""
    return f"{local:%Y-%m-%d}{day} {local:%H:%M}"


def rule_text(policy: course_file.LatePolicy) -> str:
    """The late rule in one Korean sentence (notebooks, README, feedback)."""
    if not policy.penalises:
        return "늦게 낸 과제를 어떻게 처리하는지는 강의에서 안내합니다."
    parts = []
    if policy.grace_minutes:
        parts.append(f"마감 뒤 {policy.grace_minutes:g}분까지는 제시간에 낸 것으로 봅니다")
    if policy.per_day:
        parts.append(f"{'그 뒤로는 ' if parts else '마감이 지나면 '}마감 시각부터 하루(24시간)가 시작될 "
                     f"때마다 받은 점수의 {policy.per_day:.0%}를 뺍니다")
    if policy.max_days is not None:
        parts.append(f"{policy.max_days}일이 넘게 늦으면 0점입니다" if policy.max_days else
                     "마감이 지나면 0점입니다")
    return ". ".join(parts) + "."


def due_line(course: course_file.Course, assignment_id: str, student: str | None = None) -> str | None:
    """The deadline as the notebook's first cell and the student README state it (Markdown)."""
    due = course.policy(assignment_id).due
    if due is None:
        return None
    mine = course.extension(assignment_id, student)
    zone = course.timezone
    if mine is not None:
        head = (f"**마감: {when(mine, zone, True)} ({zone})** — {student}의 연장된 마감입니다 "
                f"(원래 마감 {when(due, zone, True)}).")
    else:
        head = f"**마감: {when(due, zone, True)} ({zone})**."
    return f"> {head} {rule_text(course.late_policy(assignment_id))}"


def student_note(lateness: dict | None, raw_score: float, timezone: str) -> str | None:
    """What a late (or extended) submission's feedback says about it."""
    if not lateness:
        return None
    due = parse_iso(lateness["due"])
    submitted = parse_iso(lateness["submitted_at"])
    whose = "연장된 마감" if lateness.get("extended") else "마감"
    if not lateness["seconds_late"]:
        if not lateness.get("extended"):
            return None
        return f"{whose} {when(due, timezone)} 전에 냈습니다 (제출 {when(submitted, timezone)})."
    late_by = _duration(lateness["seconds_late"])
    if not lateness["penalty"] and not lateness["fraction"]:
        return (f"{whose} {when(due, timezone)}보다 {late_by} 늦게 냈지만 (제출 {when(submitted, timezone)}) "
                f"유예 시간 안이라 감점하지 않았습니다.")
    return (f"지각 제출: {whose} {when(due, timezone)}보다 {late_by} 늦게 냈습니다 (제출 "
            f"{when(submitted, timezone)}). 받은 점수 {raw_score:g}점의 {lateness['fraction']:.0%}인 "
            f"{lateness['penalty']:g}점을 뺐습니다.")


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}일" if days else "", f"{hours}시간" if hours else "",
             f"{minutes}분" if minutes or not (days or hours) else ""]
    return " ".join(part for part in parts if part)
