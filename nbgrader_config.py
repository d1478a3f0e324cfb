"""nbgrader configuration: this repository is the course directory."""
import os

c = get_config()  # noqa: F821  (injected by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = HERE
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.release_directory = "release"
# source.py is the jupytext source of the notebook, not something students get.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*", "source.py"]
