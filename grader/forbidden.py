"""Forbidden calls: the library functions an assignment's graded code may not delegate to.

Each assignment lists in course.toml (`forbidden = [...]`) the modules and calls that would do the
exercise for the student (`sklearn.metrics` in 12, torch's attention in 07, PEFT in 10). An entry is
a dotted name, a module (everything under it) or one attribute, optionally limited to some graded
functions: `"torch.nn.LayerNorm in layer_norm"` (08's blocks use nn.LayerNorm; its `layer_norm`
exercise may not).

Enforced twice:
1. Here, in the grader, before anything runs: the student's cells (every code cell that is not
   given code, byte for byte) are parsed and each use of an entry is found through imports,
   aliases, attribute chains, `getattr` and `importlib`/`__import__` with constant strings, and
   string constants that spell an entry. A graded function that reaches a use, directly or
   through names the student defined, gives 0 to the tests of its graded cell. Code that looks
   like an attempt to get round the checks (torch's C functions, closures, `gc`, `compile`) goes
   into the instructor's detail.
2. In the worker, while graded functions run (grader.worker.guard): the entries are wrapped so that
   a call from student code is refused, whatever name it was reached by.

Given code (support cells, figures) and the hidden suite are never affected.
"""
from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
from pathlib import Path

import nbformat

from grader import definitions
from grader.assignments import Assignment
from grader.course import load as load_course

ANY = "*"
METHOD = "<method>."  # a method called on a value whose type the scan cannot name
# Attribute names that reach past the wrapped Python API (C functions, closures, frames): not a
# forbidden call by themselves, but worth an instructor's look where an assignment has a list.
EVASIVE_ATTRIBUTES = frozenset({"_C", "_VF", "ops", "_VariableFunctions", "__closure__", "cell_contents",
                                "__wrapped__", "__globals__", "__code__", "__builtins__", "f_back",
                                "f_globals", "modules"})
EVASIVE_NAMES = frozenset({"gc", "ctypes", "importlib", "__import__", "compile", "exec", "eval",
                           "grader", "inspect"})


@dataclasses.dataclass(frozen=True)
class Rule:
    """`name` (a module or attribute, dotted) may not be used by the graded functions `scope`."""
    name: str
    scope: tuple[str, ...] = (ANY,)

    @classmethod
    def parse(cls, text: str) -> Rule:
        name, _, functions = text.partition(" in ")
        scope = tuple(f.strip() for f in functions.split(",") if f.strip()) or (ANY,)
        return cls(name.strip(), scope)

    def applies_to(self, function: str) -> bool:
        return ANY in self.scope or function in self.scope

    def matches(self, dotted: str) -> bool:
        if dotted.startswith(METHOD):
            return self.is_method and dotted.removeprefix(METHOD) == self.name.rsplit(".", 1)[1]
        return dotted == self.name or dotted.startswith(self.name + ".")

    @property
    def is_method(self) -> bool:
        """`torch.Tensor.softmax`: an attribute of a class, called as `x.softmax(...)` on values."""
        parts = self.name.split(".")
        return len(parts) >= 3 and parts[-2][:1].isupper()

    def describe(self) -> str:
        where = "" if ANY in self.scope else f" ({', '.join(self.scope)} 안에서)"
        return f"`{self.name}`{where}"


@dataclasses.dataclass(frozen=True)
class Finding:
    rule: Rule
    function: str   # the graded function that reaches the use
    cell: str       # the label of the cell where the use is ("cell 12")
    line: int

    def student_message(self) -> str:
        return (f"`{self.function}`이(가) 이 과제에서 쓸 수 없는 {self.rule.describe()}을(를) 씁니다. "
                f"라이브러리에 맡기지 말고 직접 구현하세요 (과제 첫머리의 '이 과제에서 쓰지 않는 것').")


@dataclasses.dataclass
class ScanResult:
    findings: dict[str, list[Finding]]  # graded test cell id -> what zeroes it
    suspicious: list[str]               # instructor only

    def instructor_notes(self) -> list[str]:
        notes = [f"forbidden: {f.function} uses {f.rule.name} ({f.cell}, line {f.line}) -> {cell} = 0"
                 for cell, found in self.findings.items() for f in found]
        return notes + [f"suspicious: {text}" for text in self.suspicious]


def rules_for(assignment: Assignment) -> tuple[Rule, ...]:
    return tuple(Rule.parse(text) for text in load_course().policy(assignment.id).forbidden)


# ----------------------------------------------------------------------------- the source notebook

@functools.cache
def _source_layout(source_notebook: Path) -> tuple[frozenset[str], dict[str, str]]:
    """(normalised code of every given cell, graded function -> the test cell that grades it)."""
    nb = nbformat.read(source_notebook, as_version=4)
    given: set[str] = set()
    tested_by: dict[str, str] = {}
    pending: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            pending += _top_level_names(cell.source)
        elif meta.get("grade"):
            for name in pending:
                tested_by.setdefault(name, meta["grade_id"])
            pending = []
        else:
            given.add(normalise(cell.source))
    return frozenset(given), tested_by


def normalise(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip().splitlines())


def given_cell_labels(cells: list[tuple[str, str]], assignment: Assignment) -> list[str]:
    """Labels of the submitted cells that are given code, unchanged from the source notebook."""
    given, _ = _source_layout(assignment.source_notebook)
    return [label for label, code in cells if normalise(code) in given]


def _top_level_names(code: str) -> list[str]:
    try:
        return list(definitions.top_level(code))
    except SyntaxError:
        return []


# ----------------------------------------------------------------------------- the scan

def scan(cells: list[tuple[str, str]], assignment: Assignment) -> ScanResult:
    """Find every graded function that reaches a forbidden use in the student's cells."""
    rules = rules_for(assignment)
    result = ScanResult({}, [])
    if not rules:
        return result
    given, tested_by = _source_layout(assignment.source_notebook)
    trees = []
    for label, code in cells:
        try:
            trees.append((label, ast.parse(code), normalise(code) in given))
        except SyntaxError:
            continue  # the worker reports it; nothing in it runs
    aliases = _aliases(tree for _, tree, _ in trees)
    definitions: dict[str, _Definition] = {}
    for label, tree, is_given in trees:
        if is_given:
            for node in tree.body:
                for name in _bound_names(node):
                    definitions.pop(name, None)  # given code redefines it: the student's is gone
            continue
        for node in tree.body:
            uses = _Uses(aliases, label)
            uses.visit(node)
            result.suspicious += uses.suspicious
            bound = _bound_names(node) or [f"<{label}:{node.lineno}>"]
            for name in bound:
                definitions[name] = _Definition(label, uses.dotted, uses.free_names)
    graded = frozenset(tested_by)
    for function, cell in tested_by.items():
        for finding in _reach(function, definitions, rules, graded):
            result.findings.setdefault(cell, []).append(finding)
    return result


@dataclasses.dataclass
class _Definition:
    cell: str
    uses: list[tuple[str, int]]   # (dotted name, line)
    names: set[str]               # global names it refers to


def _reach(function: str, definitions: dict[str, _Definition], rules, graded: frozenset) -> list[Finding]:
    """Uses of forbidden names in `function` and in the student's own helpers it refers to.

    Other graded functions are judged on their own: `scaled_dot_product_attention` that calls the
    student's `softmax` is not at fault when that `softmax` delegates to torch.
    """
    seen, stack, found = set(), [function], []
    while stack:
        name = stack.pop()
        if name in seen or name not in definitions or (name in graded and name != function):
            continue
        seen.add(name)
        definition = definitions[name]
        for dotted, line in definition.uses:
            for rule in rules:
                if rule.applies_to(function) and rule.matches(dotted):
                    found.append(Finding(rule, function, definition.cell, line))
        stack += sorted(definition.names)
    return found


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, definitions.DEFINITIONS):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names = []
    for target in targets:
        names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


def _aliases(trees) -> dict[str, str]:
    """Local name -> dotted name, from every import of every cell (given ones included)."""
    aliases: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        aliases[head] = head
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


class _Uses(ast.NodeVisitor):
    """Dotted names a statement uses (resolved through imports), and the globals it refers to."""

    def __init__(self, aliases: dict[str, str], cell: str):
        self.aliases = aliases
        self.cell = cell
        self.dotted: list[tuple[str, int]] = []
        self.free_names: set[str] = set()
        self.suspicious: list[str] = []

    def _use(self, dotted: str | None, node) -> None:
        if dotted:
            self.dotted.append((dotted, getattr(node, "lineno", 0)))

    def _suspect(self, what: str, node) -> None:
        self.suspicious.append(f"{what} ({self.cell}, line {getattr(node, 'lineno', 0)})")

    def resolve(self, node) -> str | None:
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return f"builtins.{node.id}" if hasattr(builtins, node.id) else None
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call) and self._is_getattr(node):
            base = self.resolve(node.args[0])
            return f"{base}.{node.args[1].value}" if base else None
        if isinstance(node, ast.Call) and self._imports_by_string(node):
            return node.args[0].value
        return None

    @staticmethod
    def _is_getattr(node: ast.Call) -> bool:
        return (isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str))

    def _imports_by_string(self, node: ast.Call) -> bool:
        called = self.resolve(node.func) if not isinstance(node.func, ast.Call) else None
        return (called in ("builtins.__import__", "importlib.import_module") and bool(node.args)
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))

    # -- visitors

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._use(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self._use(node.module, node)
            for alias in node.names:
                self._use(f"{node.module}.{alias.name}", node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.free_names.add(node.id)
            if node.id in EVASIVE_NAMES:
                self._suspect(node.id, node)
        self._use(self.resolve(node), node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self.resolve(node)
        if dotted:
            self._use(dotted, node)
        elif node.attr not in ("__init__", "__call__"):
            # `x.softmax(...)` on a value: a method call whose owner the scan cannot name, so it is
            # matched by its last name against method entries ("torch.Tensor.softmax").
            self._use(METHOD + node.attr, node)
        if node.attr in EVASIVE_ATTRIBUTES:
            self._suspect(f".{node.attr}", node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if self._is_getattr(node) or self._imports_by_string(node):
            self._use(self.resolve(node), node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and "." in node.value and node.value.isascii():
            # A string that spells a dotted name (`"sklearn.metrics"`, for importlib or getattr
            # chains built at run time) counts as a use of that name.
            self._use(node.value.strip(), node)



def worker_guard(cells: list[tuple[str, str]], assignment: Assignment) -> dict | None:
    """What the worker's guard needs (grader.worker.guard): the rules and the given cells."""
    rules = rules_for(assignment)
    if not rules:
        return None
    return {"rules": [(rule.name, list(rule.scope)) for rule in rules],
            "given": given_cell_labels(cells, assignment)}


def apply(tests: list, scan_result: ScanResult) -> list:
    """Every test of a graded cell that reaches a forbidden use scores 0, with the reason."""
    for test in tests:
        found = scan_result.findings.get(test.grade_id)
        if found:
            test.status, test.points = "failed", 0.0
            test.message = found[0].student_message()
            test.detail = "\n".join(scan_result.instructor_notes()) + ("\n" + test.detail if test.detail else "")
    return tests
