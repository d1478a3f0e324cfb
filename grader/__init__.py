"""The course grading engine: load -> run in worker -> test -> score -> report."""
