"""nbgrader's front door to the engine: autograde, release, zip_collect and late penalties through
the grader (`plugin`, wired in by `plugin.configure(c)` from nbgrader_config.py), and the per-test
CSV of autograde's results (`tests_csv`)."""
