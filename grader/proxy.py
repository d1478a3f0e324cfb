"""The `student` fixture: calls into the worker, plain values and opaque handles back."""
from __future__ import annotations

import pickle
from typing import Protocol

from grader.errors import BadResponse, CallTimeout, ForbiddenUse, MissingName, StudentCodeError
from grader.worker import wire


class Backend(Protocol):
    """Where a `Student`'s calls go: a grader.session.WorkerSession (the submission, in its
    sandboxed worker) or an `InProcessBackend` (code the project wrote, in this process)."""

    forbidden_names: frozenset[str]  # the forbidden calls the grader listed (quoted when refused)

    def request(self, op: str, seconds: float, what: str, **fields) -> tuple[dict, list]:
        """One request under a deadline of `seconds`: (the answer's document, its binary
        payloads); `what` names the call in messages."""


class Student:
    """`student.f(*args)` calls the student's `f` in the worker and returns plain data."""

    def __init__(self, backend: Backend, call_seconds: float = 10.0):
        object.__setattr__(self, "_backend", backend)
        object.__setattr__(self, "_seconds", call_seconds)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._call("call", name, name=name, args=args, kwargs=kwargs)

    def value(self, name: str):
        """The value of a global in the student's namespace (functions come back as handles)."""
        return self._call("get", name, name=name)

    def call_with_args(self, name: str, *args, **kwargs):
        """Call `name` and also return the arguments as the student's code left them (in-place edits)."""
        doc, blobs = self._request("call", name, name=name, args=args, kwargs=kwargs, return_args=True)
        handles = self._handle_maker(f"{name}(…)")
        decode = lambda node: wire.decode_value(node, blobs, handles)  # noqa: E731
        try:
            return decode(doc["value"]), tuple(decode(doc["args"])), decode(doc["kwargs"])
        except (wire.WireError, KeyError) as exc:
            raise BadResponse(str(exc)) from None

    def with_timeout(self, seconds: float) -> Student:
        """The same student, with a different deadline for each call."""
        return Student(self._backend, seconds)

    # ------------------------------------------------------------------ used by Handle
    # A handle is named by how the test reached it (`BPETokenizer(…).encode`), never by its
    # class's name: that comes from the worker, and a student can set it to a hidden input.

    def _getattr(self, handle, name):
        return self._call("getattr", f"{handle.origin}.{name}", handle=handle.handle_id,
                          handle_generation=handle.generation, name=name)

    def _setattr(self, handle, name, value):
        return self._call("setattr", f"{handle.origin}.{name}", handle=handle.handle_id,
                          handle_generation=handle.generation, name=name, value=value)

    def _call_handle(self, handle, args, kwargs):
        return self._call("call_handle", handle.origin,
                          handle=handle.handle_id, handle_generation=handle.generation,
                          args=args, kwargs=kwargs)

    # ------------------------------------------------------------------ plumbing
    # `what` names the call in student-visible messages: only the grader's own names go into it
    # (the attribute the test used, a handle's origin), nothing the worker sent back.

    def _call(self, op: str, what: str, **fields):
        doc, blobs = self._request(op, what, **fields)
        origin = f"{what}(…)" if op in ("call", "call_handle") else what
        try:
            return wire.decode_value(doc.get("value"), blobs, self._handle_maker(origin))
        except wire.WireError as exc:
            raise BadResponse(f"{what}: {exc}") from None

    def _request(self, op: str, what: str, **fields):
        try:
            doc, blobs = self._backend.request(op, self._seconds, what, **fields)
        except wire.WireError as exc:
            raise BadResponse(f"{what}: {exc}") from None
        refused = doc.get("forbidden")
        if refused:
            # Only names the grader itself listed are quoted; the worker's text never is.
            known = self._backend.forbidden_names
            named = [n for n in refused if isinstance(n, str) and n in known] if isinstance(refused, list) else []
            raise ForbiddenUse(named[0] if named else str(refused)[:200], known=bool(named))
        if doc.get("ok") is True:
            return doc, blobs
        if "missing" in doc and op in ("call", "get"):
            raise MissingName(what, str(doc["missing"])[:100])
        error = doc.get("error")
        if isinstance(error, dict):
            field = lambda key, cap: str(error.get(key, ""))[:cap]  # noqa: E731
            mro = error.get("mro") if isinstance(error.get("mro"), list) else []
            raise StudentCodeError(what, field("type", 100), [str(m)[:100] for m in mro[:20]],
                                   field("message", 2000), field("where", 300),
                                   field("traceback", 4000))
        raise BadResponse(f"{what}: {str(doc.get('unencodable', 'malformed response'))[:300]}")

    def _handle_maker(self, origin: str):
        generation = getattr(self._backend, "generation", 0)
        return lambda handle_id, type_name: wire.Handle(handle_id, type_name, generation, self,
                                                        origin)


class _Deadline(BaseException):
    """Raised inside trusted in-process code when its call deadline passes."""


class InProcessBackend:
    """Runs trusted code (the reference, a mutant) through the same encoding as a real worker.

    Only for code the project wrote: it shares the grader's process, so it is fast and unsafe.
    """

    forbidden_names: frozenset[str] = frozenset()  # trusted code: no guard

    def __init__(self, source: str, label: str = "reference", namespace: dict | None = None):
        """Runs `source` in a fresh module, on top of `namespace` (names already defined) if given."""
        import types

        from grader.worker.serve import Worker

        module = types.ModuleType(f"inprocess_{label}")
        module.__dict__.update(namespace or {})
        self._worker = Worker(module)
        doc, _ = self._roundtrip({"op": "load", "id": 0, "cells": [(f"cell {label}", source)]})
        failed = [o for o in doc["value"] if not o["ok"]]
        if failed:
            raise RuntimeError(f"{label} failed to load: {failed[0]['traceback']}")

    @classmethod
    def over_cells(cls, cells: list[tuple[str, str]], label: str) -> InProcessBackend:
        """A backend that ran these notebook cells as a worker runs them (a cell that raises is
        recorded and the next one runs): the benchmarks' in-process anchor for a whole notebook."""
        backend = cls("", label)
        backend._roundtrip({"op": "load", "id": 0, "cells": cells})
        return backend

    @classmethod
    def over_namespace(cls, namespace: dict, label: str = "kernel") -> InProcessBackend:
        """A backend over names already defined (a live kernel's globals), for in-kernel grading."""
        return cls("", label, namespace)

    def request(self, op: str, seconds: float, what: str, **fields):
        """Same deadline as a worker call (a slow mutant must not stall the project's tests)."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return self._roundtrip(dict(fields, op=op, id=1))

        def expire(signum, frame):
            raise _Deadline()

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            doc, blobs = self._roundtrip(dict(fields, op=op, id=1))
        except _Deadline:
            raise CallTimeout(what, seconds) from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if isinstance(doc.get("error"), dict) and doc["error"].get("type") == "_Deadline":
            raise CallTimeout(what, seconds)  # the worker code reports what it caught
        return doc, blobs

    def _roundtrip(self, request: dict):
        request = pickle.loads(pickle.dumps(request))  # the worker gets copies, as over the pipe
        return wire.unpack_message(self._worker.answer(request))
