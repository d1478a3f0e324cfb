"""The top-level definitions of Python source: which there are, where each starts and ends, its text.

A definition starts at its first decorator, not at its `def` or `class` line (ast's `lineno`), so
that code cut out of or put into a module keeps its decorators: the build's solution and support
cells, mutants' edits and replacements, the embedded-solutions record and the forbidden-call scan
all find definitions here. The standard library only.
"""
from __future__ import annotations

import ast

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def first_line(node: ast.stmt) -> int:
    """The 1-based line where `node` starts: its first decorator's, else its own."""
    decorators = getattr(node, "decorator_list", None)
    return decorators[0].lineno if decorators else node.lineno


def span(node: ast.stmt) -> tuple[int, int]:
    """`(start, end)` such that `source.splitlines()[start:end]` is the whole of `node`."""
    return first_line(node) - 1, node.end_lineno


def text(source: str, node: ast.stmt) -> str:
    """The source of `node` (a statement of `source`), decorators included."""
    start, end = span(node)
    return "\n".join(source.splitlines()[start:end])


def top_level(source: str | ast.Module) -> dict[str, ast.stmt]:
    """Name -> node of every function and class at the top level of `source` (the last of a
    name defined twice)."""
    tree = ast.parse(source) if isinstance(source, str) else source
    return {node.name: node for node in tree.body if isinstance(node, DEFINITIONS)}


def top_level_constants(source: str | ast.Module) -> dict[str, ast.Assign]:
    """Name -> node of every top-level `NAME = ...` (a pattern, a table)."""
    tree = ast.parse(source) if isinstance(source, str) else source
    return {node.targets[0].id: node for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)}
