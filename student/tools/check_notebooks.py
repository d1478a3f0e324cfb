"""Run the visible checks of every assignment notebook you have started, as Validate does.

    python tools/check_notebooks.py [NOTEBOOK ...]

Without arguments: the assignment notebooks under mywork/ (the distribution) or in the repository's
folders (a GitHub Classroom repository). A notebook whose answer cells are all as handed out is
"not started" and skipped. Every other one is run top to bottom on a fresh kernel by nbgrader's
Validator (what the toolbar's Validate button runs); the result is printed in Korean and, in GitHub
Actions, written to the job summary. Exit status 1 when a started notebook fails its checks.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SKIPPED_FOLDERS = {".venv", "build", "release", "jupyter", "tools", "node_modules"}
CELL_TIMEOUT_S = 300  # the training cells of 08-11 take a while on a small runner


def assignment_notebooks(here: Path = HERE) -> list[Path]:
    root = here / "mywork" if (here / "release").is_dir() else here
    found = []
    for path in sorted(root.glob("*/*.ipynb")):
        if path.parent.name in SKIPPED_FOLDERS or path.parent.name.startswith("."):
            continue
        if _solution_cells(path) is not None:
            found.append(path)
    return found


def _solution_cells(path: Path) -> list[dict] | None:
    """The notebook's nbgrader answer cells; None if it is not an assignment notebook."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return None
    answers = [c for c in cells if isinstance(c, dict)
               and c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    return answers or None


def started(path: Path) -> bool:
    """Some answer cell differs from the notebook as handed out (nbgrader's checksum of it)."""
    import nbformat
    from nbgrader.utils import compute_checksum

    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("checksum") != compute_checksum(cell):
            return True
    return False


def validate(path: Path) -> list[str]:
    """nbgrader's Validate on a fresh kernel; the first line of each failure (empty: passed)."""
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = CELL_TIMEOUT_S
    results = Validator(config=config).validate(str(path))
    if "type_changed" in results or "changed" in results:
        cells = results.get("type_changed") or results.get("changed")
        return [f"잠긴 셀 {len(cells)}개가 바뀌었습니다. 나눠 준 노트북에서 그 셀을 그대로 복사해 오세요."]
    return [(failure["raw_error"].strip().splitlines() or ["(메시지 없음)"])[0]
            for failure in results.get("failed", [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="확인 셀을 Validate처럼 처음부터 실행합니다.")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or assignment_notebooks()
    if not notebooks:
        print("점검할 과제 노트북이 없습니다.")
        return 0
    rows, failed = [], False
    for path in notebooks:
        name = path.name
        if not started(path):
            rows.append((name, "시작 전", "답 셀이 나눠 준 그대로입니다 (건너뜀)"))
            print(f"- {name}: 시작 전 (건너뜀)", flush=True)
            continue
        print(f"- {name}: 처음부터 실행하는 중...", flush=True)
        problems = validate(path)
        failed |= bool(problems)
        rows.append((name, "실패" if problems else "통과",
                     "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
                     if problems else "모든 확인 셀을 통과했습니다"))
        print(f"  {'실패' if problems else '통과'}", *problems, sep="\n  ", flush=True)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write("## 확인 셀 결과\n\n숨겨진 채점 테스트가 아니라 노트북의 확인 셀만 실행한 결과입니다.\n\n"
                      "| 노트북 | 결과 | 내용 |\n|---|---|---|\n")
            for name, verdict, note in rows:
                note = note.replace("|", "\\|").replace("\n", " ")
                out.write(f"| {name} | {verdict} | {note} |\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
