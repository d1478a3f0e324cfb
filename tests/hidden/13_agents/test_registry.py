"""ToolRegistry: schemas in OpenAI form, arguments validated with jsonschema, failures as text."""
import json

import pytest

from grader.checks import assert_equal, expect
from grader.worker import testkit

pytestmark = pytest.mark.cell("test_tool_registry")

SHOUT_SCHEMA = {
    "type": "object",
    "properties": {"text": {"type": "string", "minLength": 1},
                   "times": {"type": "integer", "minimum": 1, "maximum": 3},
                   "style": {"enum": ["loud", "plain"]}},
    "required": ["text"],
    "additionalProperties": False,
}
TOTAL_SCHEMA = {
    "type": "object",
    "properties": {"numbers": {"type": "array", "items": {"type": "number"}, "minItems": 1}},
    "required": ["numbers"],
}


def _registry(student):
    registry = student.ToolRegistry()
    registry.register("add", testkit.add, testkit.ARITHMETIC_SCHEMA, description="두 수를 더합니다.")
    registry.register("shout", testkit.shout, SHOUT_SCHEMA, description="크게 외칩니다.")
    registry.register("total", testkit.total, TOTAL_SCHEMA)
    registry.register("divide", testkit.divide, testkit.ARITHMETIC_SCHEMA, description="나눕니다.")
    return registry


def _is_error(text):
    return isinstance(text, str) and text.startswith("Error:")


@pytest.mark.points(3)
def test_schemas_list_tools_in_openai_format(student, ref):
    """schemas()는 등록 순서대로 {"type": "function", "function": {name, description, parameters}} 목록이어야 합니다."""
    got = _registry(student).schemas()
    want = _registry(ref).schemas()
    assert_equal(got, want, hint="schemas()가 등록 순서대로 {\"type\": \"function\", \"function\": "
                                 "{\"name\", \"description\", \"parameters\"}} 형식의 목록을 돌려주는지, "
                                 "description의 기본값이 \"\"인지 확인하세요.")


@pytest.mark.points(4)
def test_call_returns_the_result_as_a_string(student):
    """call()은 도구의 결과를 문자열로 돌려줘야 합니다 (숫자를 돌려주는 도구도)."""
    registry = _registry(student)
    cases = [("add", '{"a": 1.5, "b": 2.5}', "4.0"), ("add", '{"a": 20, "b": 22}', "42"),
             ("shout", '{"text": "hi", "times": 2}', "HI!HI!"), ("shout", '{"text": "ok"}', "OK!"),
             ("total", '{"numbers": [1, 2.5, 3]}', "6.5")]
    for name, arguments, want in cases:
        got = registry.call(name, arguments)
        expect(isinstance(got, str), "call()은 언제나 문자열을 돌려줘야 합니다. 도구가 숫자를 돌려주면 "
                                     "str()로 바꾸세요.")
        assert_equal(got, want, hint="call()이 JSON 인자를 파싱해 키워드 인자로 도구를 부르고 "
                                     "그 결과를 str()로 바꾸는지 확인하세요.")


@pytest.mark.points(2)
def test_call_accepts_already_parsed_arguments(student):
    """call()은 인자로 이미 파싱된 dict도 받아야 합니다."""
    registry = _registry(student)
    assert_equal(registry.call("add", {"a": 2, "b": 5}), "7",
                 hint="arguments가 문자열이 아니라 dict이면 파싱하지 말고 그대로 쓰세요.")


@pytest.mark.points(4)
def test_arguments_that_break_the_schema_are_errors(student, ref):
    """스키마를 어기는 인자는 jsonschema 검증에서 걸러져 "Error:" 문자열이 되어야 합니다."""
    registry = _registry(student)
    bad = [("add", '{"a": 1}'),                         # required
           ("add", '{"a": "1", "b": 2}'),               # type
           ("add", '{"a": 1, "b": 2, "c": 3}'),         # additionalProperties
           ("shout", '{"text": "hi", "times": 0}'),     # minimum
           ("shout", '{"text": "hi", "times": 4}'),     # maximum
           ("shout", '{"text": "hi", "times": 1.5}'),   # integer
           ("shout", '{"text": "hi", "times": true}'),  # a boolean is not an integer
           ("shout", '{"text": ""}'),                   # minLength
           ("shout", '{"text": "hi", "style": "LOUD"}'),  # enum
           ("total", '{"numbers": []}'),                # minItems
           ("total", '{"numbers": [1, "2"]}'),          # items
           ("add", '[1, 2]')]                           # not an object
    ref_registry = _registry(ref)
    for name, arguments in bad:
        assert _is_error(ref_registry.call(name, arguments))
        got = registry.call(name, arguments)
        expect(_is_error(got), "스키마를 어기는 인자(필수 키 누락, 타입, 최솟값/최댓값, enum, 추가 키, 배열 항목 등)가 "
                               "\"Error:\" 문자열이 되지 않았습니다. 직접 검사하지 말고 "
                               "jsonschema.validate로 검증하고 ValidationError를 잡으세요.")


@pytest.mark.points(2)
def test_arguments_on_the_schema_edges_are_accepted(student):
    """스키마를 지키는 인자(경곗값 포함)는 오류 없이 실행되어야 합니다."""
    registry = _registry(student)
    cases = [("shout", '{"text": "a", "times": 3}', "A!A!A!"), ("shout", '{"text": "a", "times": 1}', "A!"),
             ("shout", '{"text": "a", "style": "plain"}', "a!"),
             ("add", '{"a": -1e3, "b": 0}', "-1000.0"), ("total", '{"numbers": [7]}', "7")]
    for name, arguments, want in cases:
        assert_equal(registry.call(name, arguments), want,
                     hint="스키마를 지키는 인자가 거부되었습니다. 검증을 jsonschema에 맡겼는지 "
                          "(최솟값/최댓값은 경계 포함) 확인하세요.")


@pytest.mark.points(3)
def test_malformed_json_is_an_error_string(student):
    """깨진 JSON 인자는 예외가 아니라 "Error:" 문자열이 되어야 합니다."""
    registry = _registry(student)
    for arguments in ['{"a": 1, "b": ', "", "a=1, b=2", "{'a': 1, 'b': 2}"]:
        expect(_is_error(registry.call("add", arguments)),
               "깨진 JSON이 \"Error:\" 문자열이 되지 않았습니다. json.loads의 JSONDecodeError를 잡으세요.")


@pytest.mark.points(3)
def test_unknown_tool_is_an_error_string(student):
    """등록되지 않은 도구 이름은 예외가 아니라 "Error:" 문자열이 되어야 합니다."""
    registry = _registry(student)
    for name in ["subtract", "Add", ""]:
        expect(_is_error(registry.call(name, '{"a": 1, "b": 2}')),
               "등록되지 않은 도구 이름이 \"Error:\" 문자열이 되지 않았습니다. 이름을 먼저 확인하세요.")


@pytest.mark.points(2)
def test_exception_inside_a_tool_is_an_error_string(student):
    """도구 안에서 난 예외도 "Error:" 문자열이 되어야 합니다."""
    registry = _registry(student)
    expect(_is_error(registry.call("divide", '{"a": 1, "b": 0}')),
           "도구가 예외를 던지면 잡아서 \"Error:\" 문자열로 돌려주세요.")
    assert_equal(registry.call("divide", '{"a": 1, "b": 4}'), "0.25",
                 hint="도구가 정상적으로 끝나면 결과를 str()로 돌려주세요.")


@pytest.mark.points(3)
def test_parsed_arguments_are_validated_like_json_strings(student, ref):
    """이미 파싱된 dict 인자도 JSON 문자열과 똑같이 스키마로 검증되는지 확인합니다."""
    registry, ref_registry = _registry(student), _registry(ref)
    cases = [("add", {"a": 1}), ("add", {"a": "1", "b": 2}), ("add", {"a": 1, "b": 2, "c": 3}),
             ("add", {"a": True, "b": 2}),                           # a boolean is not a number
             ("shout", {"text": "hi", "times": 0}), ("shout", {"text": "hi", "times": True}),
             ("shout", {"text": ""}), ("shout", {"text": "hi", "style": "LOUD"}), ("total", {"numbers": []}),
             ("total", {"numbers": [1, "2"]})]
    for name, arguments in cases:
        assert _is_error(ref_registry.call(name, json.dumps(arguments)))
        assert _is_error(ref_registry.call(name, dict(arguments)))
        expect(_is_error(registry.call(name, dict(arguments))),
               "dict로 받은 인자가 스키마를 어기는데 \"Error:\" 문자열이 되지 않았습니다. JSON 문자열이든 dict이든 "
               "파싱한 다음 같은 jsonschema 검증을 거치게 하세요.")
    assert_equal(registry.call("shout", {"text": "ok", "times": 3}), "OK!OK!OK!",
                 hint="스키마를 지키는 dict 인자는 그대로 도구에 넘겨 실행하세요.")
