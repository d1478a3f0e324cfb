"""A worker started from nothing (grader/worker_process.py, through grader/launcher.py):

    python -I -S -c <boot> <request fd> <response fd> <confinement plan, JSON>

It confines itself (grader.worker.confine) before anything else is imported, then serves
(grader.worker.serve). A worker forked by a fork server does the same in
grader.worker.forkserver._become_worker.
"""
from __future__ import annotations


def main(argv: list[str]) -> None:
    import json

    from grader.worker import confine

    confine.enter(json.loads(argv[2]))
    from grader.worker.serve import main as serve

    serve(argv[:2])
