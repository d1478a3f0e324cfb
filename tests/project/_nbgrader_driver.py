"""Run `nbgrader <args>` commands one after another in this process (for the workflow test).

Importing nbgrader costs seconds of CPU; a course's workflow is a dozen commands. Each line on
stdin is {"args": [...], "cwd": "...", "env": {...}}; each answer on stdout is {"rc": n, "log": "..."}.
A command goes through nbgrader's own entry point (`NbGraderApp`: argument parsing, the
nbgrader_config.py of its working folder), with fresh application objects every time.
"""
import contextlib
import functools
import io
import json
import logging
import os
import sys


def run(args: list[str], cwd: str, env: dict) -> tuple[int, str]:
    from jupyter_core.application import NoStart
    from nbgrader.apps.nbgraderapp import NbGraderApp

    os.chdir(cwd)
    os.environ.update(env)
    log = io.StringIO()
    code, app = 0, None
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            app = NbGraderApp.instance()
            app.initialize(args)
            app.start()
        except NoStart:  # how jupyter_core ends a command that ran a subcommand
            pass
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:  # noqa: BLE001 — reported like the command line would
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            subapp = getattr(app, "subapp", None)
            while subapp is not None:
                type(subapp).clear_instance()
                subapp = getattr(subapp, "subapp", None)
            NbGraderApp.clear_instance()
            for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
                for handler in list(getattr(logger, "handlers", [])):
                    if getattr(handler, "stream", None) is log:
                        logger.removeHandler(handler)
    return code, log.getvalue()


def main() -> None:
    import nbgrader.api

    # A new gradebook asks `alembic heads` (a subprocess, seconds) for the schema version of the
    # installed nbgrader; ask once per process instead of once per course.
    nbgrader.api.get_alembic_version = functools.cache(nbgrader.api.get_alembic_version)
    # Answers go to a private copy of stdout; stray writes to file descriptor 1 go to stderr.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    for line in sys.stdin:
        request = json.loads(line)
        code, log = run(request["args"], request["cwd"], request.get("env", {}))
        out.write(json.dumps({"rc": code, "log": log}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
