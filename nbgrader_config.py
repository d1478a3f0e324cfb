"""nbgrader configuration: this repository is the course directory.

Autograde grades through the engine (grader/nbgrader/plugin.py): hidden tests never run in the
student's kernel, and each graded cell gets the points of its passing hidden tests.
release_assignment refuses a notebook that carries other assignments' graded solutions before they
are due (course.toml; override: --GatedReleaseAssignment.allow_early_release=True).
"""
import os
import sys

c = get_config()  # noqa: F821  (injected by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the engine of this course, whatever else is installed

from grader.nbgrader.plugin import configure  # noqa: E402

configure(c)
c.CourseDirectory.root = HERE
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.release_directory = "release"
# source.py is the jupytext source of the notebook, not something students get.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*", "source.py"]
# Shared server (JupyterHub): set the course id and the exchange folder students can reach, e.g.
#   c.CourseDirectory.course_id = "llm-course"
#   c.Exchange.root = "/srv/nbgrader/exchange"
# LMS: zip_collect reads <assignment>_<student>_attempt_<YYYY-mm-dd-HH-MM-SS>_<notebook>.ipynb in
# Korean time; change c.FileNameCollectorPlugin.named_regexp / c.LmsFileNames.timezone to match.
