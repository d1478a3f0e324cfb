"""Buggy variants of a reference solution: the proof that a hidden suite takes points off.

`tests/hidden/<id>/mutants.py` defines `MUTANTS = {name: {definition_name: change}}` where a change
is either the whole new source of that top-level definition of `solutions/<id>.py`, or a list of
`(old, new)` text edits applied to the reference definition (each `old` must occur exactly once, so
a mutant that no longer matches the reference fails loudly instead of silently testing nothing).
Edits keep a mutant to the one line that is wrong. Optionally,
`SAMPLES = {student_name: [mutant names]}` for the demo's realistic buggy submissions, and
`ALTERNATIVES = {name: {definition_name: change}}`: correct solutions written differently, which
must keep full marks.
"""
from __future__ import annotations

import ast
import textwrap

from grader import definitions
from grader.assignments import Assignment, load_module_from


def _edited(source: str, name: str, edits: list[tuple[str, str]]) -> str:
    node = definitions.top_level(source).get(name)
    if node is None:
        raise KeyError(f"mutant edits {name!r}, which the reference does not define")
    text = definitions.text(source, node)
    for old, new in edits:
        if text.count(old) != 1:
            raise ValueError(f"mutant edit of {name!r}: {old!r} occurs {text.count(old)} times, not once")
        text = text.replace(old, new)
    return text


def apply(source: str, changes: dict) -> str:
    """The reference `source` with a mutant's changes (whole definitions or text edits) applied."""
    replacements = {name: change if isinstance(change, str) else _edited(source, name, change)
                    for name, change in changes.items()}
    return replace_definitions(source, replacements)


def load(assignment: Assignment) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    if not assignment.mutants.exists():
        return {}, {}
    module = load_module_from(assignment.mutants, f"mutants_{assignment.id}")
    return dict(getattr(module, "MUTANTS", {})), dict(getattr(module, "SAMPLES", {}))


def alternatives(assignment: Assignment) -> dict[str, dict[str, str]]:
    """`ALTERNATIVES` of mutants.py: correct solutions written differently, in the same format as
    MUTANTS (einsum for matmul, float64 throughout, a list where a tuple is allowed...). Each must
    keep full marks: the suite tests what the notebook promises, not how the reference is written."""
    if not assignment.mutants.exists():
        return {}
    module = load_module_from(assignment.mutants, f"mutants_{assignment.id}")
    return dict(getattr(module, "ALTERNATIVES", {}))


def replace_definitions(source: str, replacements: dict[str, str]) -> str:
    """The module `source` with the named top-level definitions replaced (or appended)."""
    lines = source.splitlines()
    spans = {name: definitions.span(node) for name, node in definitions.top_level(source).items()}
    new = {name: textwrap.dedent(text).strip("\n").splitlines() for name, text in replacements.items()}
    # Bottom-up, so that each replacement leaves the line numbers of the ones above it valid.
    for name in sorted((n for n in new if n in spans), key=lambda n: spans[n][0], reverse=True):
        start, end = spans[name]
        lines[start:end] = new[name]
    for name in (n for n in new if n not in spans):
        lines += ["", ""] + new[name]
    return "\n".join(lines) + "\n"


def stub_definitions(source: str, names: list[str]) -> str:
    """The module with the named functions' bodies replaced by `raise NotImplementedError()`."""
    replacements = {}
    for node in definitions.top_level(source).values():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            header = ast.get_source_segment(source, node).split("\n")[0]
            if not header.rstrip().endswith(":"):  # multi-line signatures: rebuild from the AST
                header = f"def {node.name}({ast.unparse(node.args)}):"
            replacements[node.name] = f"{header}\n    raise NotImplementedError()\n"
    return replace_definitions(source, replacements)
