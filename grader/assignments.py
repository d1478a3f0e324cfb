"""Where each piece of an assignment lives. One folder trio per assignment id."""
from __future__ import annotations

import dataclasses
import functools
import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


class UnknownAssignment(LookupError):
    def __init__(self, assignment_id: str):
        known = ", ".join(all_ids()) or "(none)"
        super().__init__(f"unknown assignment {assignment_id!r}; known: {known}")


@dataclasses.dataclass(frozen=True)
class Assignment:
    id: str

    @property
    def source_dir(self) -> Path:
        return ROOT / "assignments" / self.id

    @property
    def notebook_spec(self) -> Path:
        """The hand-edited jupytext source of the notebook."""
        return self.source_dir / "source.py"

    @property
    def source_notebook(self) -> Path:
        return self.source_dir / f"{self.id}.ipynb"

    @property
    def release_dir(self) -> Path:
        return ROOT / "release" / self.id

    @property
    def release_notebook(self) -> Path:
        return self.release_dir / f"{self.id}.ipynb"

    @property
    def solution(self) -> Path:
        return ROOT / "solutions" / f"{self.id}.py"

    @property
    def hidden_suite(self) -> Path:
        return ROOT / "tests" / "hidden" / self.id

    @property
    def mutants(self) -> Path:
        return self.hidden_suite / "mutants.py"

    @property
    def warm_modules(self) -> tuple[str, ...]:
        """The heavy modules the notebook imports, which its workers find already imported."""
        return _imported_heavy_modules(self.notebook_spec)


@functools.cache  # read once per process, not once per graded submission
def _imported_heavy_modules(notebook_spec: Path) -> tuple[str, ...]:
    text = notebook_spec.read_text(encoding="utf-8")
    imported = {name for name in WARMABLE
                if re.search(rf"^\s*(import|from)\s+{name}\b", text, re.MULTILINE)}
    if "torch" in imported:
        imported.add("numpy")  # torch imports it anyway; one server then serves both kinds
    warm = [name for name in WARMABLE if name in imported]
    return tuple(warm + [later for name in warm for later in IMPORTED_ON_FIRST_USE.get(name, ())])


# Imported by a fork server before it forks workers (grader.forkserver): slow to import, safe to
# fork when nothing has run yet. matplotlib is left out: it reads its cache folder at import.
WARMABLE = ("numpy", "torch")
# What a warm module imports only when first used, which every forked worker would pay for again:
# torch's first backward pass given a gradient (autograd's _make_grads checks its shape; vjp and
# the suites' gradient checks pass one) imports its symbolic-shape support and, with it, sympy:
# about 0.4 s in each worker of a suite that checks gradients (07, 08).
IMPORTED_ON_FIRST_USE = {"torch": ("torch.fx.experimental.symbolic_shapes",)}


def all_ids() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "assignments").glob("*/source.py"))


def get(assignment_id: str) -> Assignment:
    if assignment_id not in all_ids():
        raise UnknownAssignment(assignment_id)
    return Assignment(assignment_id)


@functools.cache
def load_solution(assignment_id: str) -> ModuleType:
    """The reference module (file names start with a digit, so it is loaded by path)."""
    return load_module_from(Assignment(assignment_id).solution, f"solution_{assignment_id}")


def load_module_from(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
