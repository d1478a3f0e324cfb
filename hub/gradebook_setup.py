"""The demo class's gradebook: run by hub/hubctl.py as the course account, in the course directory.

    python hub/gradebook_setup.py STUDENT...

Every assignment of course.toml with its due date (so the formgrader lists them and counts late
submissions as the course does) and the demo students. The instructor then generates and
releases from the formgrader.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

COURSE_DIR = Path.cwd()
sys.path.insert(0, str(COURSE_DIR))

from nbgrader.api import Gradebook  # noqa: E402

from grader import course  # noqa: E402


def main(students: list[str]) -> None:
    policies = course.load()
    with Gradebook(f"sqlite:///{COURSE_DIR / 'gradebook.db'}") as gradebook:
        for assignment_id in sorted(policies.assignments):
            due = policies.policy(assignment_id).due
            # nbgrader keeps due dates as naive UTC.
            naive = due.astimezone(dt.UTC).replace(tzinfo=None) if due else None
            gradebook.update_or_create_assignment(assignment_id, duedate=naive)
        for number, student in enumerate(students, start=1):
            gradebook.update_or_create_student(student, first_name=f"학생 {number}",
                                               last_name="데모")
    print(f"gradebook: {len(policies.assignments)} assignments, {len(students)} students")


if __name__ == "__main__":
    main(sys.argv[1:])
