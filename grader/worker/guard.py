"""The worker's half of the forbidden-call check (the grader's half is grader/forbidden.py).

While a graded function runs, every forbidden library function is replaced by a guard that refuses
a call coming straight from student code (a student cell, or code compiled from a string) and lets
every other caller through: the library's own internals, given cells, the worker itself. Modules
named whole (`sklearn.metrics`) have their functions and classes guarded as they are imported;
single attributes (`torch.nn.functional.softmax`, `torch.Tensor.softmax`) are guarded on the object
that owns them, so any name that reaches them — an alias, `getattr` with a computed string,
`importlib` — meets the guard. A refusal raises `ForbiddenCall` and is remembered for the reply,
so catching it does not hide it.

What the guard cannot see (torch's C functions reached through `torch._C`, a copied closure) the
grader's static scan reports to the instructor.
"""
from __future__ import annotations

import importlib.abc
import os
import sys
import sysconfig
import types

ANY = "*"
GUARD_MARK = "__course_forbidden_guard__"


class ForbiddenCall(Exception):
    """A graded function called a library function the assignment does the work of."""


class Guard:
    def __init__(self, rules: list, given_labels: list):
        self.rules = [(str(name), tuple(scope)) for name, scope in rules]
        self.given_files = {f"<{label}>" for label in given_labels}
        self.current: str | None = None  # the graded name being served; None while loading
        self.hits: list[str] = []
        self._roots = _library_roots()

    # ------------------------------------------------------------------ set-up

    def install(self) -> None:
        for module in list(sys.modules.values()):
            if isinstance(module, types.ModuleType):
                self.after_import(module)
        sys.meta_path.insert(0, _GuardingFinder(self))

    def watches(self, module_name: str) -> bool:
        return any(module_name == name or module_name.startswith(name + ".") or name.startswith(module_name + ".")
                   for name, _ in self.rules)

    def after_import(self, module: types.ModuleType) -> None:
        module_name = getattr(module, "__name__", "")
        if not isinstance(module_name, str):
            return
        for name, scope in self.rules:
            if module_name == name or module_name.startswith(name + "."):
                self._guard_module(module, name, scope)
            elif name.startswith(module_name + "."):
                self._guard_attribute(module, name.removeprefix(module_name + ".").split("."), name, scope)

    def _guard_module(self, module, rule: str, scope) -> None:
        for attribute, value in list(vars(module).items()):
            if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
                self._replace(module, attribute, value, rule, scope)
            elif isinstance(value, type) and value.__module__ == module.__name__:
                self._guard_class(value, rule, scope)

    def _guard_attribute(self, owner, path: list[str], rule: str, scope) -> None:
        for part in path[:-1]:
            owner = getattr(owner, part, None)
            if owner is None or isinstance(owner, types.ModuleType):
                return  # a submodule: guarded when it is itself imported
        value = getattr(owner, path[-1], None)
        if value is None or isinstance(value, types.ModuleType):
            return
        if isinstance(value, type):
            self._guard_class(value, rule, scope)
        elif callable(value):
            self._replace(owner, path[-1], value, rule, scope)

    def _guard_class(self, cls: type, rule: str, scope) -> None:
        init = cls.__dict__.get("__init__")
        if init is not None and not hasattr(init, GUARD_MARK):
            try:
                cls.__init__ = self._wrap(init, rule, scope)
            except (TypeError, AttributeError):
                pass  # a C type: the static scan still sees it

    def _replace(self, owner, attribute: str, value, rule: str, scope) -> None:
        if hasattr(value, GUARD_MARK):
            return
        try:
            setattr(owner, attribute, self._wrap(value, rule, scope))
        except (TypeError, AttributeError):
            pass

    def _wrap(self, original, rule: str, scope):
        guard = self

        def guarded(*args, **kwargs):
            if guard.refuses(scope, sys._getframe(1)):
                guard.hits.append(rule)
                raise ForbiddenCall(f"{rule}은(는) 이 과제의 채점되는 함수에서 쓸 수 없습니다.")
            return original(*args, **kwargs)

        setattr(guarded, GUARD_MARK, True)
        guarded.__name__ = getattr(original, "__name__", "guarded")
        guarded.__doc__ = getattr(original, "__doc__", None)
        return guarded

    # ------------------------------------------------------------------ at call time

    def refuses(self, scope, caller) -> bool:
        if self.current is None or not (ANY in scope or self.current in scope):
            return False
        return self._from_student(caller.f_code.co_filename)

    def _from_student(self, filename: str) -> bool:
        if filename in self.given_files or filename.startswith("<frozen "):
            return False
        if filename.startswith("<"):
            return True  # a student cell, or code compiled from a string
        return not os.path.realpath(filename).startswith(self._roots)


class _GuardingFinder(importlib.abc.MetaPathFinder):
    """Finds modules with the other finders and guards them right after they run."""

    def __init__(self, guard: Guard):
        self.guard = guard

    def find_spec(self, name, path, target=None):
        if not self.guard.watches(name):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _GuardingLoader(spec.loader, self.guard)
                return spec
        return None


class _GuardingLoader(importlib.abc.Loader):
    def __init__(self, loader, guard: Guard):
        self._loader = loader
        self._guard = guard

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._guard.after_import(module)

    def __getattr__(self, name):  # resource readers, get_source, is_package ...
        return getattr(self._loader, name)


def _library_roots() -> tuple[str, ...]:
    """Folders whose code is the library's or the worker's own, never the student's.

    The worker runs with `-I -S`, so the virtualenv's site-packages is only on sys.path: every
    entry counts except the submission's own folder (the working directory), where a student can
    write modules.
    """
    workdir = os.path.realpath(os.getcwd())
    paths = sysconfig.get_paths()
    candidates = {paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    candidates |= {sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path,
                   os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}
    roots = set()
    for candidate in candidates:
        if not candidate or candidate in (".", ""):
            continue
        real = os.path.realpath(candidate)
        if real == workdir or real.startswith(workdir + os.sep) or workdir.startswith(real + os.sep):
            continue
        roots.add(real + os.sep)
    return tuple(sorted(roots))
