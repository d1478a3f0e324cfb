"""The untrusted worker: runs the student's notebook cells, then answers the grader's calls.

Started through grader/launcher.py (`python -I -S -c <boot>`, then grader.worker.start) or forked
by a fork server (grader.worker.forkserver), with a sys.path holding only this runtime copy, the
site-packages and the submission's folder. It reads pickled requests from one pipe and
writes plain-data responses (see `wire`) to another; fds 0-2 are /dev/null and a log file, so
nothing the student prints can be mistaken for a response.
"""
from __future__ import annotations

import builtins
import linecache
import os
import pickle
import sys
import traceback
import types

from grader.worker import wire


class _NoIPython:
    """Stands in for get_ipython(): magics and shell escapes are dropped, never run."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Worker:
    def __init__(self, module: types.ModuleType, request_fd: int = -1, response_fd: int = -1):
        self.request_fd = request_fd
        self.response_fd = response_fd
        self.namespace: dict = module.__dict__
        self.namespace.update(__builtins__=builtins, get_ipython=lambda: _NoIPython())
        self.handles: dict[int, object] = {}
        self.generation = 0
        self._pending = b""
        self.guard = None  # grader.worker.guard.Guard, when the assignment forbids library calls

    # ------------------------------------------------------------------ loop

    def serve(self) -> None:
        while True:
            payload = self._read_frame()
            if payload is None:
                return
            wire.write_frame(self.response_fd, self.answer(pickle.loads(payload)))

    def _read_frame(self) -> bytes | None:
        head = self._read_exact(wire.HEADER.size)
        if head is None:
            return None
        magic, length = wire.HEADER.unpack(head)
        if magic != wire.MAGIC:
            raise SystemExit("bad request frame")
        return self._read_exact(length)

    def _read_exact(self, n: int) -> bytes | None:
        chunks, remaining = [], n
        while remaining:
            chunk = os.read(self.request_fd, min(remaining, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def answer(self, request: dict) -> bytes:
        encoder = wire.Encoder(self._register_handle)
        doc: dict = {"id": request.get("id")}
        if self.guard is not None:
            self.guard.hits.clear()
            self.guard.current = request.get("name") if request.get("op") == "call" else "*handle*"
        try:
            op = getattr(self, "op_" + request["op"])
            doc.update(op(request, encoder))
        except _Missing as missing:
            doc.update(ok=False, missing=missing.name)
        except BaseException as exc:  # noqa: BLE001 — SystemExit and KeyboardInterrupt included
            encoder.blobs.clear()
            doc.update(ok=False, error=_describe(exc))
        finally:
            if self.guard is not None:
                self.guard.current = None
        if self.guard is not None and self.guard.hits:
            # Reported even when the student's code caught the refusal.
            doc["forbidden"] = sorted(set(self.guard.hits))[:10]
        try:
            return wire.pack_message(doc, encoder.blobs)
        except (ValueError, TypeError, OverflowError) as exc:
            return wire.pack_message({"id": request.get("id"), "ok": False,
                                      "unencodable": f"{type(exc).__name__}: {exc}"[:300]}, [])

    # ------------------------------------------------------------------ ops

    def op_load(self, request: dict, encoder) -> dict:
        """Run every cell in order; a failing cell is recorded and loading goes on."""
        self.generation = request.get("generation", 0)
        if request.get("guard") and self.guard is None:
            from grader.worker.guard import Guard

            self.guard = Guard(request["guard"]["rules"], request["guard"]["given"])
            self.guard.install()
        outcomes = []
        for label, code in request["cells"]:
            filename = f"<{label}>"
            linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
            try:
                exec(compile(code, filename, "exec"), self.namespace)  # running the cell is the point
                outcomes.append({"cell": label, "ok": True})
            except BaseException as exc:  # noqa: BLE001
                outcomes.append({"cell": label, "ok": False, **_describe(exc)})
        return {"ok": True, "value": outcomes}

    def op_call(self, request: dict, encoder) -> dict:
        fn = self._lookup(request["name"])
        return self._invoke(fn, request, encoder)

    def op_get(self, request: dict, encoder) -> dict:
        return {"ok": True, "value": encoder.encode(self._lookup(request["name"]))}

    def op_getattr(self, request: dict, encoder) -> dict:
        target = self.handles[request["handle"]]
        return {"ok": True, "value": encoder.encode(getattr(target, request["name"]))}

    def op_setattr(self, request: dict, encoder) -> dict:
        target = self.handles[request["handle"]]
        setattr(target, request["name"], self._resolve(request["value"]))
        return {"ok": True, "value": None}

    def op_call_handle(self, request: dict, encoder) -> dict:
        return self._invoke(self.handles[request["handle"]], request, encoder)

    def _invoke(self, fn, request: dict, encoder) -> dict:
        args = self._resolve(request.get("args", ()))
        kwargs = self._resolve(request.get("kwargs", {}))
        value = fn(*args, **kwargs)
        doc = {"ok": True, "value": encoder.encode(value)}
        if request.get("return_args"):
            doc["args"] = encoder.encode(list(args))
            doc["kwargs"] = encoder.encode(dict(kwargs))
        return doc

    # ------------------------------------------------------------------ helpers

    def _lookup(self, name: str):
        if name not in self.namespace:
            raise _Missing(name)
        return self.namespace[name]

    def _register_handle(self, value) -> dict:
        handle_id = len(self.handles) + 1
        self.handles[handle_id] = value
        kind = type(value)
        # Functions and bound methods are named by what they are (`BPETokenizer.encode`), so a
        # failure inside one names it; other objects by their class.
        name = getattr(value, "__qualname__", None) if callable(value) and not isinstance(value, type) else None
        return {"$handle": handle_id, "type": name or f"{kind.__module__}.{kind.__qualname__}"}

    def _resolve(self, value):
        """Handles sent back become their objects; testkit markers become real objects."""
        if isinstance(value, wire.HandleRef):
            if value.generation != self.generation or value.handle_id not in self.handles:
                raise LookupError("a handle from an earlier worker")
            return self.handles[value.handle_id]
        if hasattr(type(value), "__worker_resolve__"):
            return value.__worker_resolve__()
        if type(value) in (list, tuple):
            return type(value)(self._resolve(v) for v in value)
        if type(value) is dict:
            return {k: self._resolve(v) for k, v in value.items()}
        return value


class _Missing(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _describe(exc: BaseException) -> dict:
    """Type, message and where in the student's cells it happened; all strings, all capped."""
    where = ""
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.startswith("<cell "):
            number = filename.strip("<>").removeprefix("cell ")
            where = f"{number}번째 셀 {line}번째 줄, {frame.f_code.co_name}"
    try:
        message = str(exc)[:2000]
    except BaseException:  # noqa: BLE001 — a hostile __str__
        message = "(메시지를 읽을 수 없음)"
    return {"type": type(exc).__name__[:100],
            "mro": [cls.__name__[:100] for cls in type(exc).__mro__][:20],
            "message": message,
            "where": where,
            "traceback": _format_traceback(exc)}


def _format_traceback(exc: BaseException) -> str:
    try:
        return "".join(traceback.format_exception(exc))[-4000:]
    except BaseException:  # noqa: BLE001
        return ""


def main(argv: list[str]) -> None:
    request_fd, response_fd = int(argv[0]), int(argv[1])
    # The cells run in a real __main__ module, as in Jupyter (dataclasses and pickle need it).
    main_module = types.ModuleType("__main__")
    sys.modules["__main__"] = main_module
    Worker(main_module, request_fd, response_fd).serve()
