"""The course grading engine: load -> run in worker -> test -> score -> report."""
import grader.worker  # noqa: F401  (first: keeps a slow optional import out of every grader process)
