"""The wire between grader and worker: frames, and the plain-data encoding of results.

Grader -> worker requests are pickled (the worker may see anything the grader sends).
Worker -> grader responses are *plain data only*: one JSON document plus `.npy` blobs. The grader
decodes them with `decode_value`, which builds every object itself from checked parts, so nothing
the student made (an always-equal object, an ndarray subclass, a pickle) survives the trip.

This module is imported by both sides; it must not import anything secret.
"""
from __future__ import annotations

import io
import json
import math
import os
import struct

import numpy as np

MAGIC = b"GRW1"
HEADER = struct.Struct(">4sQ")  # magic, payload length
MAX_FRAME_BYTES = 256 * 1024 * 1024
MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_INT_DIGITS = 100
MAX_STR_CHARS = 1_000_000
ALLOWED_KINDS = "biufc"  # numbers and booleans only: never object, void or strings


class WireError(Exception):
    """A frame or value that breaks the protocol (the worker is lying or broken)."""


# ----------------------------------------------------------------------------- frames

def write_frame(fd: int, payload: bytes) -> None:
    data = HEADER.pack(MAGIC, len(payload)) + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def pack_message(doc: dict, blobs: list[bytes]) -> bytes:
    """One message = JSON length, JSON, then each blob's length and bytes."""
    doc = dict(doc, blobs=[len(b) for b in blobs])
    text = json.dumps(doc, allow_nan=True, ensure_ascii=False).encode()
    return struct.pack(">Q", len(text)) + text + b"".join(blobs)


def unpack_message(payload: bytes | memoryview) -> tuple[dict, list[memoryview]]:
    """The JSON document and the blobs, which are views into `payload` (no copy of big arrays)."""
    payload = memoryview(payload)
    if len(payload) < 8:
        raise WireError("short message")
    (json_len,) = struct.unpack(">Q", payload[:8])
    if json_len > MAX_JSON_BYTES or 8 + json_len > len(payload):
        raise WireError("bad JSON length")
    doc = _loads(bytes(payload[8:8 + json_len]))
    if not isinstance(doc, dict):
        raise WireError("message is not an object")
    sizes = doc.get("blobs", [])
    if not isinstance(sizes, list) or not all(type(s) is int and s >= 0 for s in sizes):
        raise WireError("bad blob table")
    blobs, offset = [], 8 + json_len
    for size in sizes:
        blobs.append(payload[offset:offset + size])
        offset += size
    if offset != len(payload):
        raise WireError("blob sizes do not add up to the frame")
    return doc, blobs


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise WireError("integer too long")
    return int(text)


def _loads(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"), parse_int=_parse_int)
    except WireError:
        raise
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise WireError(f"bad JSON: {type(exc).__name__}") from None


# ----------------------------------------------------------------------------- worker side: encode

class Encoder:
    """Turns a student's return value into plain JSON + blobs; non-plain objects become handles."""

    def __init__(self, register_handle):
        self.blobs: list[bytes] = []
        self._register_handle = register_handle

    def encode(self, value, depth: int = 0):
        if depth > MAX_DEPTH:
            raise ValueError("value nested too deeply")
        t = type(value)
        if value is None or t is bool or t is str:
            return value
        if t is int:
            if len(str(abs(value))) > MAX_INT_DIGITS:
                raise ValueError("integer too large")
            return value
        if t is float:
            return value if math.isfinite(value) else {"$float": repr(value)}
        if t in (list, tuple, set, frozenset):
            items = [self.encode(v, depth + 1) for v in value]
            return items if t is list else {"$" + t.__name__: items}
        if t is dict or t.__name__ in ("Counter", "OrderedDict", "defaultdict") and isinstance(value, dict):
            pairs = [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]
            return {"$dict": pairs, "type": t.__name__ if t.__module__ == "collections" else "dict"}
        if t is bytes:
            return {"$bytes": self._blob(value)}
        if t is complex:
            return {"$complex": [repr(value.real), repr(value.imag)]}
        if t.__name__ == "Fraction" and t.__module__ == "fractions":
            return {"$fraction": [str(value.numerator), str(value.denominator)]}
        if t is np.ndarray or isinstance(value, np.generic):
            return self._array(value)
        if t.__module__ == "torch" and t.__name__ in ("Tensor", "Parameter"):
            return self._tensor(value)
        return self._register_handle(value)

    def _blob(self, data: bytes) -> int:
        self.blobs.append(bytes(data))
        return len(self.blobs) - 1

    def _array(self, value):
        array = np.asarray(value)
        if array.dtype.kind not in ALLOWED_KINDS or array.dtype.fields is not None:
            return self._register_handle(value)
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        tag = "$npscalar" if isinstance(value, np.generic) else "$ndarray"
        return {tag: self._blob(buffer.getvalue())}

    def _tensor(self, tensor):
        import torch

        tensor = tensor.detach().cpu()
        dtype = str(tensor.dtype).removeprefix("torch.")
        if tensor.dtype == torch.bfloat16 or tensor.dtype == torch.float16:
            tensor = tensor.float()
        buffer = io.BytesIO()
        np.save(buffer, tensor.resolve_conj().resolve_neg().numpy(),
                allow_pickle=False)
        return {"$tensor": self._blob(buffer.getvalue()), "dtype": dtype}


# ----------------------------------------------------------------------------- grader side: decode

class Handle:
    """An opaque reference to an object that stays in the worker. No operators, by design.

    `type_name` is what the worker says the object is (instructor detail only: the student chose
    it); `origin` is how the grader got the handle (`BPETokenizer(…)`), for messages.
    """

    __slots__ = ("handle_id", "type_name", "generation", "_proxy", "origin")

    def __init__(self, handle_id: int, type_name: str, generation: int = 0, proxy=None,
                 origin: str = "object"):
        object.__setattr__(self, "handle_id", handle_id)
        object.__setattr__(self, "type_name", type_name)
        object.__setattr__(self, "generation", generation)
        object.__setattr__(self, "_proxy", proxy)
        object.__setattr__(self, "origin", origin)

    def __reduce__(self):  # sent back to the worker, it is resolved to the object again
        return (HandleRef, (self.handle_id, self.generation))

    def __repr__(self):
        return f"<student {self.type_name} #{self.handle_id}>"

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._proxy._getattr(self, name)

    def __setattr__(self, name, value):
        self._proxy._setattr(self, name, value)

    def __call__(self, *args, **kwargs):
        return self._proxy._call_handle(self, args, kwargs)

    def __bool__(self):
        raise TypeError("a student object has no truth value in the grader")

    __eq__ = None  # type: ignore[assignment]
    __hash__ = object.__hash__


class HandleRef:
    """What a Handle becomes on the worker side before it is resolved."""

    def __init__(self, handle_id: int, generation: int = 0):
        self.handle_id = handle_id
        self.generation = generation


_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def decode_value(node, blobs: list[bytes], make_handle, depth: int = 0):
    """Rebuild a value from checked parts; raises WireError on anything unexpected."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    t = type(node)
    if node is None or t in (bool, int):
        return node
    if t is float:
        return node
    if t is str:
        if len(node) > MAX_STR_CHARS:
            raise WireError("string too long")
        return node
    if t is list:
        return [decode_value(v, blobs, make_handle, depth + 1) for v in node]
    if t is not dict or len(node) == 0:
        raise WireError(f"unexpected node {t.__name__}")
    tag = next(iter(node))
    body = node[tag]
    sub = lambda v: decode_value(v, blobs, make_handle, depth + 1)  # noqa: E731
    if tag == "$float" and body in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[body]
    if tag in ("$tuple", "$set", "$frozenset") and type(body) is list:
        items = [sub(v) for v in body]
        try:
            return {"$tuple": tuple, "$set": set, "$frozenset": frozenset}[tag](items)
        except TypeError:
            raise WireError("unhashable set member") from None
    if tag == "$dict" and type(body) is list:
        import collections

        kinds = {"dict": dict, "Counter": collections.Counter, "OrderedDict": collections.OrderedDict,
                 "defaultdict": dict}
        result = kinds.get(node.get("type"), dict)()
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict pair")
            try:
                result[sub(pair[0])] = sub(pair[1])
            except TypeError:
                raise WireError("unhashable dict key") from None
        return result
    if tag == "$bytes":
        return bytes(_blob(blobs, body))
    if tag == "$complex" and type(body) is list and len(body) == 2:
        return complex(_float(body[0]), _float(body[1]))
    if tag == "$fraction" and type(body) is list and len(body) == 2:
        from fractions import Fraction

        return Fraction(_parse_int(str(body[0])), _parse_int(str(body[1])))
    if tag in ("$ndarray", "$npscalar"):
        array = load_npy(_blob(blobs, body))
        return array[()] if tag == "$npscalar" else array
    if tag == "$tensor":
        import torch

        array = load_npy(_blob(blobs, body))
        tensor = torch.from_numpy(array.copy())
        dtype = node.get("dtype")
        if dtype in ("bfloat16", "float16"):
            tensor = tensor.to(getattr(torch, dtype))
        return tensor
    if tag == "$handle" and type(body) is int:
        return make_handle(body, str(node.get("type", "object"))[:200])
    raise WireError(f"unknown tag {tag!r}")


def _float(text) -> float:
    if type(text) is not str or len(text) > 64:
        raise WireError("bad float")
    try:
        return float(text)
    except ValueError:
        raise WireError("bad float") from None


def _blob(blobs: list[bytes], index) -> bytes:
    if type(index) is not int or not 0 <= index < len(blobs):
        raise WireError("bad blob index")
    return blobs[index]


NPY_HEADER_BYTES = 1 << 16


def load_npy(data: bytes | memoryview, max_bytes: int = MAX_FRAME_BYTES) -> np.ndarray:
    """Read an .npy blob without pickle; dtype, shape and size are checked against the payload.
    One copy of the data, whatever its size (the header is parsed from its first 64 KB)."""
    data = memoryview(data)
    stream = io.BytesIO(bytes(data[:NPY_HEADER_BYTES]))
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise WireError("unsupported .npy version")
    except WireError:
        raise
    except Exception as exc:  # noqa: BLE001 — whatever a forged header makes numpy raise is a lie
        raise WireError(f"bad .npy header: {type(exc).__name__}") from None
    if dtype.kind not in ALLOWED_KINDS or dtype.fields is not None or dtype.hasobject:
        raise WireError(f"dtype {dtype} not allowed")
    count = 1
    for n in shape:
        if type(n) is not int or n < 0:
            raise WireError("bad shape")
        count *= n
    payload = data[stream.tell():]
    if count * dtype.itemsize != len(payload) or len(payload) > max_bytes:
        raise WireError("array size does not match its header")
    array = np.frombuffer(payload, dtype=dtype, count=count)
    return array.reshape(shape, order="F" if fortran else "C").copy()
