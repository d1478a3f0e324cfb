"""Mutation testing of the reference solutions: mutmut's operators, graded by the hidden suites.

The mutants of `solutions/<id>.py` are made by mutmut 3's mutation operators (`mutmut.mutation`),
applied to the functions students implement: every name of the notebook's solution cells, public
or private, and every method of those classes. Given code (support cells, module-level set-up) is
not mutated. mutmut's own runner is not used: it copies the project into `mutants/` and drives
pytest over trampolines, while a mutant here is graded the way the reference is, by its
assignment's hidden suite through `grade.grade_trusted_source`.

A mutant's id is `<function>:<operator>:<k>` — the function's qualified name, mutmut's operator
(without its `operator_` prefix) and the k-th (1-based) mutant that operator makes in that function,
in source order. It does not move when other functions change. `tests/hidden/<id>/equivalent_mutants.toml`
declares the mutants that cannot change any output, keyed by that id (docs/authoring.md §5).

`benchmarks/mutation.py` runs it all; `tests/project/test_mutation_sample.py` runs a fixed sample.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import random
import tomllib

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider
from mutmut.mutation import mutators
from mutmut.mutation.file_mutation import MutationVisitor
from mutmut.mutation.pragma_handling import IgnoredCode, PragmaVisitor

from grader.assignments import ROOT, Assignment
from grader.authoring import spec
from grader.grade import grade_trusted_source

GOAL = 0.95  # issue 17: share of non-equivalent mutants every suite must kill
GOAL_FILE = ROOT / "benchmarks" / "mutation_goal.toml"


@dataclasses.dataclass(frozen=True)
class Mutant:
    id: str
    function: str      # qualified name: `softmax`, `MultiHeadSelfAttention.forward`
    operator: str      # mutmut's operator: swap_op, arg_removal, number, string, ...
    line: int          # where it is today (for people; never part of the id)
    change: str        # `old -> new`, one line each side, shortened
    cell: str | None   # grade_id of the graded tests cell that follows its solution cell
    reference: str = dataclasses.field(repr=False)
    _old: str = dataclasses.field(repr=False)  # the top-level definition as it is ...
    _new: str = dataclasses.field(repr=False)  # ... and mutated

    @property
    def source(self) -> str:
        """The whole mutated module."""
        return self.reference.replace(self._old, self._new, 1)

    def diff(self, path: str) -> str:
        return "".join(difflib.unified_diff(self.reference.splitlines(True), self.source.splitlines(True),
                                            f"a/{path}", f"b/{path}", n=2))


@dataclasses.dataclass(frozen=True)
class Verdict:
    status: str            # killed | survived
    score: float
    failed_test: str = ""  # the first test that failed (what killed it)


class _Visitor(MutationVisitor):
    """mutmut's visitor, but decorated functions are mutated too: mutmut skips them only because its
    trampolines cannot wrap them, and this runner has none (09's `@torch.no_grad()` functions)."""

    def _skip_node_and_children(self, node):
        if isinstance(node, cst.FunctionDef) and node.decorators:
            position = self.get_metadata(PositionProvider, node, None)
            return bool(position and position.start.line in self._ignored_node_lines)
        return super()._skip_node_and_children(node)


def _tagged_operators() -> tuple[list, dict[int, str]]:
    """mutmut's operator table, each wrapped to record which operator made each mutated node."""
    made_by: dict[int, str] = {}

    def tagging(name, operator):
        def run(node):
            for mutated in operator(node):
                made_by[id(mutated)] = name
                yield mutated
        return run

    table = [(node_type, tagging(op.__name__.removeprefix("operator_"), op))
             for node_type, op in mutators.mutation_operators]
    return table, made_by


def _short(node: cst.CSTNode) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= 90 else text[:87] + "..."


@functools.cache
def generate(assignment: Assignment) -> tuple[Mutant, ...]:
    """Every mutant of the graded functions of `solutions/<id>.py`, in source order."""
    reference = assignment.solution.read_text(encoding="utf-8")
    cells = spec.solution_cells(assignment)
    wrapper = MetadataWrapper(cst.parse_module(reference))
    pragmas = PragmaVisitor(str(assignment.solution))
    wrapper.visit(pragmas)
    ignored = IgnoredCode(pragmas.no_mutate_lines, pragmas.ignore_node_lines, set())
    operators, made_by = _tagged_operators()
    visitor = _Visitor(operators, ignored)
    module = wrapper.visit(visitor)
    positions = wrapper.resolve(PositionProvider)

    # id(function node) -> (qualified name, its top-level definition)
    graded: dict[int, tuple[str, cst.CSTNode]] = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in cells:
            graded[id(statement)] = (statement.name.value, statement)
        elif isinstance(statement, cst.ClassDef) and statement.name.value in cells:
            for member in statement.body.body:
                if isinstance(member, cst.FunctionDef):
                    graded[id(member)] = (f"{statement.name.value}.{member.name.value}", statement)
    code = cst.Module([]).code_for_node
    texts = {id(top): code(top) for _, top in graded.values()}
    if any(reference.count(text) != 1 for text in texts.values()):
        raise ValueError(f"{assignment.solution}: a graded definition's text is not unique")

    mutants, seen = [], {}
    for mutation in visitor.mutations:
        owner = graded.get(id(mutation.contained_by_top_level_function))
        if owner is None:
            continue
        function, top = owner
        operator = made_by[id(mutation.mutated_node)]
        k = seen[function, operator] = seen.get((function, operator), 0) + 1
        # Only the top-level definition is rebuilt (the whole module per mutant took a minute).
        new = code(top.deep_replace(mutation.original_node, mutation.mutated_node))
        if new == texts[id(top)]:
            continue
        mutants.append(Mutant(
            id=f"{function}:{operator}:{k}", function=function, operator=operator,
            line=positions[mutation.original_node].start.line,
            change=f"{_short(mutation.original_node)}  ->  {_short(mutation.mutated_node)}",
            cell=cells[top.name.value], reference=reference, _old=texts[id(top)], _new=new))
    return tuple(mutants)


def sample(mutants, n: int, seed: int = 0, label: str = "") -> list[Mutant]:
    """A fixed sample of `n` mutants: the same for the same mutant ids, seed and label."""
    if n >= len(mutants):
        return list(mutants)
    chosen = set(random.Random(f"{label}:{seed}").sample(sorted(m.id for m in mutants), n))
    return [m for m in mutants if m.id in chosen]


def equivalents(assignment: Assignment) -> dict[str, dict]:
    """`tests/hidden/<id>/equivalent_mutants.toml`: mutant id -> {reason, change}."""
    path = assignment.hidden_suite / "equivalent_mutants.toml"
    if not path.exists():
        return {}
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    for key, entry in table.items():
        if not isinstance(entry, dict) or not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path}: [{key!r}] needs a `reason`")
    return table


def stale_equivalents(assignment: Assignment) -> list[str]:
    """Declared equivalent mutants that no longer exist or whose change differs from the entry's."""
    current = {m.id: m for m in generate(assignment)}
    problems = []
    for key, entry in equivalents(assignment).items():
        if key not in current:
            problems.append(f"{key}: no such mutant any more")
        elif entry.get("change") and entry["change"] != current[key].change:
            problems.append(f"{key}: declared for `{entry['change']}`, is now `{current[key].change}`")
    return problems


def grade(assignment: Assignment, mutant: Mutant) -> Verdict:
    """Killed when some hidden test fails. The tests of the mutated function's own cell go first,
    and each run stops at its first failure: a killed mutant rarely costs the whole suite."""
    stages = ([mutant.cell] if mutant.cell else []) + [None]
    result = None
    for cell in stages:
        try:
            result = grade_trusted_source(assignment, mutant.source, mutant.id, cell=cell,
                                          exitfirst=True)
        except RuntimeError as exc:
            if f"{mutant.id} failed to load" not in str(exc):
                raise  # a broken suite is the run's error, never a kill
            return Verdict("killed", 0.0, f"load: {str(exc)[:200]}")  # as a cell that errors
        failed = next((t for t in result.tests if t.status != "passed"), None)
        if failed is not None:
            return Verdict("killed", result.score, failed.name)
    return Verdict("survived", result.score)


def not_at_goal() -> dict[str, str]:
    """Assignments whose suite does not yet kill GOAL of the mutants: id -> why (benchmarks/)."""
    if not GOAL_FILE.exists():
        return {}
    return dict(tomllib.loads(GOAL_FILE.read_text(encoding="utf-8")).get("not_at_goal", {}))
