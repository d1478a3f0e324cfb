"""Worker -> grader data is plain and checked: forged or hostile payloads are refused, not trusted."""
import io
import json
import math
import struct
from collections import Counter

import numpy as np
import pytest
import torch

from grader.worker import wire


def _roundtrip(value):
    handles = []
    encoder = wire.Encoder(lambda obj: handles.append(obj) or {"$handle": len(handles), "type": "x"})
    message = wire.pack_message({"value": encoder.encode(value)}, encoder.blobs)
    doc, blobs = wire.unpack_message(message)
    return wire.decode_value(doc["value"], blobs, lambda i, t: ("handle", i, t))


def _decode(node, blobs=()):
    return wire.decode_value(node, list(blobs), lambda i, t: ("handle", i, t))


def _npy(array_bytes_header: dict, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, array_bytes_header)
    return buffer.getvalue() + payload


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, "한국어", [1, [2, 3]], (1, "a"), {"k": (1, 2)}, {1: "int key"},
    Counter({"a": 2}), {1, 2}, b"\x00\xff", complex(1, -2), math.inf, -math.inf,
])
def test_plain_values_survive_with_their_types(value):
    got = _roundtrip(value)
    assert type(got) is type(value) and got == value


def test_nan_survives():
    assert math.isnan(_roundtrip(math.nan))


def test_arrays_and_tensors_keep_dtype_shape_and_kind():
    array = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]  # not contiguous
    got = _roundtrip(array)
    assert type(got) is np.ndarray and got.dtype == np.float32 and np.array_equal(got, array)
    tensor = torch.arange(6, dtype=torch.int64).reshape(2, 3)
    got = _roundtrip(tensor)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.int64 and torch.equal(got, tensor)
    assert _roundtrip(torch.ones(2, dtype=torch.bfloat16)).dtype == torch.bfloat16
    scalar = _roundtrip(np.float32(1.5))
    assert type(scalar) is np.float32 and scalar == 1.5


def test_subclass_tricks_become_handles_not_values():
    class AlwaysEqual(float):
        def __eq__(self, other):
            return True

    class Sneaky(np.ndarray):
        pass

    assert _roundtrip(AlwaysEqual(1.0))[0] == "handle"
    assert _roundtrip(np.zeros(3).view(Sneaky))[0] == "handle"
    assert _roundtrip(np.array([object()], dtype=object))[0] == "handle"


def test_handles_refuse_comparison_and_truth():
    handle = wire.Handle(1, "x.Y")
    with pytest.raises(TypeError):
        handle == 1  # noqa: B015
    with pytest.raises(TypeError):
        bool(handle)


@pytest.mark.parametrize("header, payload", [
    ({"descr": "|O", "fortran_order": False, "shape": (1,)}, b"\x00" * 8),       # object dtype
    ({"descr": "<f8", "fortran_order": False, "shape": (10**9,)}, b"\x00" * 8),  # size lie
    ({"descr": "<f8", "fortran_order": False, "shape": (2,)}, b"\x00" * 8),      # short payload
    ({"descr": "<U3", "fortran_order": False, "shape": (1,)}, b"\x00" * 12),     # strings
])
def test_forged_npy_blobs_are_refused(header, payload):
    with pytest.raises(wire.WireError):
        _decode({"$ndarray": 0}, [_npy(header, payload)])


def test_pickled_npy_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError):
        _decode({"$ndarray": 0}, [buffer.getvalue()])


@pytest.mark.parametrize("node", [
    {"$handle": "1"}, {"$nope": 1}, {"$ndarray": 5}, {"$tuple": "x"}, {"$dict": [[1]]},
    {"$float": "1e999999"}, {"$set": [[1]]}, {}, 1j,
])
def test_malformed_nodes_are_refused(node):
    with pytest.raises(wire.WireError):
        _decode(node)


def test_deep_nesting_huge_ints_and_bad_lengths_are_refused():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(wire.WireError):
        wire.unpack_message(struct.pack(">Q", len(deep)) + deep.encode())
    nested = [[]]
    for _ in range(200):
        nested = [nested]
    with pytest.raises(wire.WireError):
        _decode(nested)
    big = json.dumps({"value": 1}).replace("1", "9" * 5000).encode()
    with pytest.raises(wire.WireError):
        wire.unpack_message(struct.pack(">Q", len(big)) + big)
    with pytest.raises(wire.WireError):
        wire.unpack_message(struct.pack(">Q", 2**60) + b"{}")
    with pytest.raises(wire.WireError):
        wire.unpack_message(b"\x00")
