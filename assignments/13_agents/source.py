# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 13. AI 에이전트 (AI Agents)
#
# 이 과정의 제목은 "LLM 및 AI 에이전트 교육 커리큘럼"입니다. 앞에서 언어 모델을 만들고(2장),
# 파인 튜닝하고 평가했습니다(3장). 마지막 과제에서는 언어 모델을 **루프** 안에 넣고 **도구(Tool)** 를
# 쥐여 주어 **AI 에이전트**를 만듭니다.
#
# **개요**
# - AI 에이전트는 언어 모델이 다음 행동을 스스로 고르고, 도구를 호출하고, 그 결과(관찰, Observation)를
#   읽고, 다시 행동을 고르는 반복 구조입니다.
# - 언어 모델은 글자만 만들 수 있습니다. 그래서 모델은 "이 도구를 이 인자로 불러 달라"는 요청을
#   정해진 형식의 메시지(도구 호출, Tool Call)로 쓰고, 실제 실행은 우리 코드가 맡습니다.
# - 모델을 한 번 부르는 것이 한 **스텝**입니다. 모델이 도구를 부르면 결과를 대화에 붙여 다시 부르고,
#   도구 없이 답하면 그것이 최종 답입니다.
#
# **이유**
# - 언어 모델은 큰 수의 계산을 자주 틀리고, 학습 이후의 사실을 모르고, 바깥 세계에 아무 일도 할 수
#   없습니다. 계산기·검색·데이터베이스 같은 도구를 부르게 하면 이 한계를 넘을 수 있습니다.
# - 여러 단계를 거쳐야 하는 작업(찾아보고 → 계산하고 → 정리하기)은 한 번의 생성으로 끝나지 않습니다.
#   중간 결과를 보고 다음 행동을 고르는 루프가 필요합니다.
#
# **장점**
# - 정확한 계산, 최신 정보, 외부 시스템 조작처럼 모델 혼자서는 못 하는 일을 할 수 있습니다.
# - 모델을 다시 학습하지 않고 도구만 바꾸거나 더해서 할 수 있는 일을 넓힐 수 있습니다.
# - 모델이 오류 메시지를 읽고 스스로 다음 행동을 고칠 수 있습니다.
#
# **단점**
# - 스텝마다 모델을 다시 부르므로 느리고 비쌉니다. 끝나지 않는 루프를 막을 스텝 한도가 꼭 필요합니다.
# - 모델이 만든 인자는 믿을 수 없습니다. 검증 없이 실행하면 위험합니다 (예: `eval`).
# - 형식을 지키지 못하는 약한 모델은 루프 안에서 금방 길을 잃습니다. 강한 모델이 필요합니다.
# - 한 번의 답이 아니라 궤적(Trajectory) 전체를 평가해야 해서 평가가 어렵습니다.
#
# **주요 사용 시기**
# - 답을 내기 전에 계산, 검색, 조회가 필요할 때
# - 중간 결과에 따라 다음 단계가 달라지는 여러 단계 작업일 때
#
# 이 과제의 순서는 다음과 같습니다.
# 1. 도구 등록부와 JSON 스키마 검증 (`ToolRegistry`)
# 2. `eval` 없는 안전한 계산기 (`calculator`)
# 3. 에이전트 루프 (`run_agent`)
# 4. 궤적 평가 (`evaluate_agent`)와 스텝 한도·모델 강도에 따른 성공률 그림
# 5. 과정의 작은 한국어 GPT를 루프에 넣기: 사전 학습만 한 모델과 도구 호출 형식을 배운 모델
#
# 채점에는 네트워크도 실제 모델도 쓰지 않습니다. 정해진 대본대로 답하는 **가짜 모델**을 씁니다.
# 실제 모델(과정의 작은 한국어 GPT)은 5절에서 여러분의 루프에 넣어 봅니다.

# %%
import ast
import copy
import json
import math
import operator
import random
from pathlib import Path

import jsonschema
import regex
import torch
from safetensors.torch import load_file
from torch import nn

# %% [markdown]
# ## 0. 메시지 형식
#
# 대화는 메시지(dict)의 리스트입니다. OpenAI 형식을 따릅니다.
#
# | role | 내용 |
# |---|---|
# | `system` | 모델에게 주는 지시 |
# | `user` | 사용자의 질문 |
# | `assistant` | 모델의 답. 도구를 부를 때는 `tool_calls`를 담습니다 |
# | `tool` | 도구 실행 결과. 어떤 호출의 결과인지 `tool_call_id`로 밝힙니다 |
#
# 도구 호출 하나는 `{"id", "type": "function", "function": {"name", "arguments"}}`이고,
# `arguments`는 **JSON 문자열**입니다. 모델이 쓴 글자이므로 깨져 있을 수도 있습니다.
#
# 아래는 계산기를 두 번 부르는 대화 한 편입니다. 모델은 한 턴에 여러 도구를 한꺼번에 부를 수 있고,
# 두 번째 모델 호출은 **도구 호출을 담은 어시스턴트 메시지 → 그 호출들의 결과** 순서로 된 대화를 받습니다.

# %%
example_conversation = [
    {"role": "system", "content": "너는 계산기 도구를 쓰는 도우미다."},
    {"role": "user", "content": "3 * 7과 2 ** 10을 계산해 줘."},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function",
         "function": {"name": "calculator", "arguments": "{\"expression\": \"3 * 7\"}"}},
        {"id": "call_2", "type": "function",
         "function": {"name": "calculator", "arguments": "{\"expression\": \"2 ** 10\"}"}},
    ]},
    {"role": "tool", "tool_call_id": "call_1", "content": "21"},
    {"role": "tool", "tool_call_id": "call_2", "content": "1024"},
    {"role": "assistant", "content": "3 * 7 = 21, 2 ** 10 = 1024입니다."},
]

# %% [markdown]
# 과제 곳곳에서 쓸 작은 도우미 함수입니다. 가짜 모델의 대본을 짧게 쓰게 해 줍니다.

# %%
def tool_call(call_id, name, arguments):
    """도구 호출 하나. arguments가 dict이면 JSON 문자열로 바꿉니다 (문자열이면 그대로: 깨진 JSON 실험용)."""
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def assistant_calls(*calls):
    """도구를 부르는 어시스턴트 메시지."""
    return {"role": "assistant", "content": None, "tool_calls": list(calls)}


def assistant_says(text):
    """최종 답을 내는 어시스턴트 메시지 (도구 호출 없음)."""
    return {"role": "assistant", "content": text}


# %% [markdown]
# ## 1. 도구 등록부와 JSON 스키마
#
# 모델에게 도구를 알려 주려면 이름, 설명, 그리고 **인자의 형식**을 건네야 합니다. 인자의 형식은
# [JSON 스키마](https://json-schema.org)로 씁니다. 예를 들어 계산기의 인자는 "문자열 `expression` 하나,
# 필수, 다른 키는 안 됨"입니다.

# %%
CALCULATOR_SCHEMA = {
    "type": "object",
    "properties": {"expression": {"type": "string", "description": "계산할 사칙연산 식, 예: 12 * (3 + 4)"}},
    "required": ["expression"],
    "additionalProperties": False,
}

# %% [markdown]
# 모델이 보낸 인자가 스키마를 지키는지는 `jsonschema` 라이브러리가 검사합니다. 직접 `if`문으로
# 검사하면 `minimum`, `enum`, 배열 항목, "불리언은 정수가 아니다" 같은 규칙을 빠뜨리기 쉽습니다.
# 어기면 `jsonschema.ValidationError`가 나고, `.message`에 이유가 들어 있습니다.

# %%
for candidate in [{"expression": "1 + 2"}, {"expression": 3}, {"expr": "1 + 2"}]:
    try:
        jsonschema.validate(candidate, CALCULATOR_SCHEMA)
        print(candidate, "→ 통과")
    except jsonschema.ValidationError as error:
        print(candidate, "→", error.message)

# %% [markdown]
# 여기서 중요한 설계 결정이 하나 있습니다. 도구 호출이 실패했을 때 **예외를 던지지 않고,
# `"Error:"`로 시작하는 문자열을 돌려줍니다.** 모델이 만든 인자가 틀린 것은 프로그램의 버그가 아니라
# 모델의 실수이고, 모델은 그 오류 메시지를 관찰로 읽고 다음 턴에 고칠 수 있기 때문입니다.
# 예외를 던지면 루프 전체가 멈춥니다. 반대로 **스키마 자체가 잘못된 것은 개발자의 실수**이므로
# `register`에서 바로 예외(`jsonschema.SchemaError`)를 내도 됩니다.
#
# | 상황 | `call`이 돌려주는 것 |
# |---|---|
# | 등록되지 않은 도구 이름 | `"Error: ..."` |
# | `arguments`가 올바른 JSON이 아님 | `"Error: ..."` (`json.JSONDecodeError`를 잡기) |
# | 스키마 위반 | `"Error: ..."` (`jsonschema.ValidationError`를 잡기) |
# | 도구 안에서 예외 | `"Error: ..."` |
# | 성공 | 도구의 결과를 문자열로: 숫자 `4.0`이면 `"4.0"` |
#
# 도구의 결과는 언제나 **문자열**로 돌려줍니다. 대화의 `content`는 글자이기 때문입니다.
#
# `arguments`는 모델이 쓴 JSON 문자열이 보통이지만, 이미 파싱된 dict로 올 수도 있습니다. 어느 쪽이든
# **같은 검증**을 거쳐야 합니다: 문자열이면 먼저 파싱하고, 그다음은 한 길로 `jsonschema` 검증 → 실행입니다.
# 문자열일 때만 검증하면 dict로 온 잘못된 인자가 그대로 도구에 들어갑니다. 참고로 JSON 스키마에서 불리언은
# 숫자가 아닙니다(`{"a": true}`는 `"type": "number"`를 어깁니다). 파이썬의 `bool`은 `int`의 하위 클래스지만요.
#
# **연습 1.** `ToolRegistry`를 구현하세요. 도구 함수는 키워드 인자로 부릅니다: `fn(**arguments)`.

# %% solution=["ToolRegistry"]

# %% tests="test_tool_registry"
def _add(a, b):
    return a + b


_ADD_SCHEMA = {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
               "required": ["a", "b"], "additionalProperties": False}
_registry = ToolRegistry()
_registry.register("add", _add, _ADD_SCHEMA, description="두 수를 더합니다.")
assert _registry.schemas() == [{"type": "function", "function": {
    "name": "add", "description": "두 수를 더합니다.", "parameters": _ADD_SCHEMA}}], \
    "schemas()는 [{\"type\": \"function\", \"function\": {name, description, parameters}}] 형식이어야 합니다."
assert _registry.call("add", '{"a": 1.5, "b": 2.5}') == "4.0", "결과는 str()로 바꾼 문자열이어야 합니다."
assert _registry.call("add", {"a": 1, "b": 2}) == "3", "이미 파싱된 dict 인자도 받아야 합니다."
assert _registry.call("add", {"a": "1", "b": 2}).startswith("Error:"), "dict로 온 인자도 스키마로 검증해야 합니다."
for _name, _arguments in [("add", '{"a": 1}'), ("add", '{"a": "1", "b": 2}'), ("add", '{"a": 1, "b": '),
                          ("subtract", '{"a": 1, "b": 2}')]:
    _result = _registry.call(_name, _arguments)
    assert isinstance(_result, str) and _result.startswith("Error:"), \
        f"{_name}({_arguments})는 예외 대신 \"Error:\"로 시작하는 문자열이어야 합니다."
print("ToolRegistry: 통과")

# %% [markdown]
# ## 2. `eval` 없는 안전한 계산기
#
# 첫 도구로 계산기를 만듭니다. 가장 짧은 구현은 `eval(expression)`이지만, 모델이 보낸 글자를
# 파이썬 코드로 실행하는 것과 같습니다. `"__import__('os').system('rm -rf ~')"`도 "식"입니다.
# 도구의 인자는 **믿을 수 없는 입력**입니다.
#
# 대신 `ast.parse(식, mode="eval")`로 식을 **구문 트리**로 바꾸고, 허용한 노드만 직접 계산합니다.
# 트리를 걷기만 하고 실행은 하지 않으므로, 허용 목록에 없는 것은 절대 실행되지 않습니다.

# %%
print(ast.dump(ast.parse("-2 ** 2 + 10 % 4", mode="eval").body, indent=1))

# %% [markdown]
# 트리에서 보이는 노드는 세 종류뿐입니다.
#
# | 노드 | 뜻 | 처리 |
# |---|---|---|
# | `Constant` | 숫자 | `int`, `float`만 (불리언 `True`, 문자열은 거부) |
# | `BinOp(left, op, right)` | 이항 연산 | `Add`, `Sub`, `Mult`, `Div`, `Pow`, `Mod`만: 양쪽을 먼저 계산한 뒤 `operator` 모듈의 함수로 |
# | `UnaryOp(op, operand)` | 단항 연산 | `USub`(단항 마이너스) |
#
# 괄호는 트리 모양으로 이미 반영되어 있어서 따로 처리할 필요가 없습니다. 연산자 우선순위와
# `2 ** 3 ** 2`의 오른쪽 결합도 파서가 이미 정해 줍니다. 그 밖의 노드(`Name`, `Call`, `Attribute`,
# `List`, `//`의 `FloorDiv`, 비교 ...)를 만나면 오류입니다. 결과는 파이썬 산술과 같게, `str(값)`으로
# 돌려줍니다. 계산기는 도구이므로 실패도 예외가 아니라 `"Error: ..."` 문자열입니다.
#
# 보너스 안전장치: `9 ** 9 ** 9`처럼 지수가 터무니없이 크면 계산이 끝나지 않습니다.
# 지수의 절댓값이 100을 넘으면 오류로 돌려주세요.
#
# **연습 2.** `calculator(expression)`을 구현하세요. 노드 하나를 재귀적으로 계산하는 도우미
# `_evaluate(node)`로 나누어 두었습니다. 다른 방식으로 짜도 되지만, 채점은 `calculator`만 부릅니다.

# %% solution=["calculator", "_evaluate"]

# %% tests="test_calculator"
for _expression, _want in [("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("2 ** 3 ** 2", 512), ("-2 ** 2", -4),
                           ("-7 % 3", 2), ("10 / 4", 2.5)]:
    _got = calculator(_expression)
    assert isinstance(_got, str) and not _got.startswith("Error:") and float(_got) == _want, \
        f"calculator({_expression!r})는 파이썬 산술과 같은 값이어야 합니다."
for _expression in ["1 / 0", "1 +", "__import__('os')", "abs(-3)", "'ab' * 3", "7 // 2"]:
    assert calculator(_expression).startswith("Error:"), \
        f"calculator({_expression!r})는 \"Error:\"로 시작하는 문자열이어야 합니다."
print("calculator: 통과")

# %% [markdown]
# ## 3. 에이전트 루프
#
# 이제 모든 것을 루프로 묶습니다. 모델은 함수 하나로 봅니다: `client(messages, tools)`는 대화와 도구
# 목록을 받아 **다음 어시스턴트 메시지**를 돌려줍니다. 실제 서비스라면 API 호출이고, 이 과제에서는
# 가짜 모델입니다.
#
# ```
# messages = [system, user]
# 스텝 1: reply = client(messages, tools)      → 도구 호출 2개
#         messages += [reply, tool 결과 1, tool 결과 2]
# 스텝 2: reply = client(messages, tools)      → 도구 호출 없음: 최종 답, 끝
# ```
#
# 지켜야 할 규칙은 네 가지입니다. 모두 실제 에이전트에서 흔한 버그와 맞닿아 있습니다.
# 1. **어시스턴트 메시지를 먼저** 붙이고 도구 결과를 그 뒤에 붙입니다. 도구 결과만 있으면 모델(과 API)은
#    그것이 어떤 호출의 결과인지 알 수 없습니다.
# 2. 도구 결과마다 **그 호출의 `id`** 를 `tool_call_id`로 붙입니다. 여러 호출이 한 턴에 오면 id로 짝을 짓습니다.
# 3. 한 턴의 도구 호출은 **모두** 실행합니다.
# 4. **스텝 한도**: 모델이 끝없이 도구만 부를 수 있으므로, `max_steps`번 부르고도 끝나지 않으면 멈추고
#    `stopped = "max_steps"`로 알립니다 (마지막 스텝의 도구 호출도 실행해서, 대화가 도구 호출로 끝나지
#    않고 결과로 끝나게 합니다). 최종 답으로 멈췄으면 `stopped = "final_answer"`입니다.
#
# 깨진 JSON이나 없는 도구는 `ToolRegistry.call`이 `"Error:"` 문자열로 바꿔 주므로, 루프는 그 문자열을
# 도구 결과로 붙이기만 하면 됩니다. 모델은 다음 스텝에서 오류를 읽고 고칠 기회를 얻습니다.
#
# 아래는 대본대로 답하는 가짜 모델입니다. 받은 대화를 `calls`에 복사해 두므로, 모델이 무엇을 봤는지
# 나중에 확인할 수 있습니다.

# %%
class ScriptedModel:
    """대본(turns)의 어시스턴트 메시지를 차례로 돌려주는 가짜 모델. 받은 대화는 self.calls에 기록합니다."""

    def __init__(self, turns):
        self.turns = list(turns)
        self.calls = []

    def __call__(self, messages, tools):
        self.calls.append(copy.deepcopy(messages))
        if len(self.calls) <= len(self.turns):
            return copy.deepcopy(self.turns[len(self.calls) - 1])
        return assistant_says("(대본 끝)")


def make_calculator_registry():
    """계산기 하나만 등록한 도구 등록부."""
    registry = ToolRegistry()
    registry.register("calculator", calculator, CALCULATOR_SCHEMA,
                      description="사칙연산 식을 계산합니다 (+ - * / ** %, 괄호).")
    return registry


# %% [markdown]
# **연습 3.** `run_agent(client, registry, messages, max_steps=5)`를 구현하세요.
# 입력 `messages` 리스트는 바꾸지 말고 복사본에 이어 붙이세요.

# %% solution=["run_agent"]

# %% tests="test_run_agent"
_model = ScriptedModel([
    assistant_calls(tool_call("call_a", "calculator", {"expression": "3 * 7"}),
                    tool_call("call_b", "calculator", {"expression": "2 ** 10"})),
    assistant_says("21과 1024입니다."),
])
_start = [{"role": "system", "content": "계산 도우미"}, {"role": "user", "content": "3 * 7과 2 ** 10은?"}]
_result = run_agent(_model, make_calculator_registry(), _start)
assert [m["role"] for m in _model.calls[1]] == ["system", "user", "assistant", "tool", "tool"], \
    "두 번째 호출에서 모델은 [system, user, assistant(tool_calls), tool, tool]을 받아야 합니다."
assert [(m["tool_call_id"], m["content"]) for m in _model.calls[1][3:]] == [("call_a", "21"), ("call_b", "1024")], \
    "도구 메시지마다 호출의 id와 결과 문자열이 있어야 합니다."
assert (_result["final"], _result["steps"], _result["stopped"]) == ("21과 1024입니다.", 2, "final_answer"), \
    "최종 답에서 멈추고 final, steps, stopped를 돌려줘야 합니다."
assert len(_start) == 2, "입력 messages 리스트를 바꾸면 안 됩니다."

_looping = ScriptedModel([assistant_calls(tool_call(f"c{i}", "calculator", {"expression": "1 + 1"}))
                          for i in range(10)])
_result = run_agent(_looping, make_calculator_registry(), _start, max_steps=3)
assert (len(_looping.calls), _result["steps"], _result["stopped"]) == (3, 3, "max_steps"), \
    "끝없이 도구를 부르는 모델은 max_steps번만 부르고 stopped=\"max_steps\"로 끝나야 합니다."

_broken = ScriptedModel([assistant_calls(tool_call("x", "calculator", '{"expression": '),
                                         tool_call("y", "search", {"query": "날씨"})),
                         assistant_says("죄송합니다.")])
_result = run_agent(_broken, make_calculator_registry(), _start)
assert all(m["content"].startswith("Error:") for m in _result["messages"] if m["role"] == "tool"), \
    "깨진 JSON과 없는 도구는 \"Error:\" 도구 메시지가 되어야 합니다."
assert _result["stopped"] == "final_answer", "오류 뒤에도 루프는 계속되어야 합니다."
print("run_agent: 통과")

# %% [markdown]
# 루프가 동작하면, 한 번의 실행(궤적)을 그림으로 볼 수 있습니다. 아래 가짜 모델은 처음에 JSON을
# 깨뜨리고, 오류를 읽은 뒤 고쳐서 다시 부르고, 결과를 보고 답합니다. 화살표는 `tool_call_id`로 이어진
# 호출과 결과의 짝입니다.

# %% tags=["skip-grading"]
import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

_trajectory_model = ScriptedModel([
    assistant_calls(tool_call("call_1", "calculator", '{"expression": "12 * (3 + 4)"'),
                    tool_call("call_2", "calculator", {"expression": "2 ** 10"})),
    assistant_calls(tool_call("call_3", "calculator", {"expression": "12 * (3 + 4)"})),
    assistant_says("12 * (3 + 4) = 84, 2 ** 10 = 1024입니다."),
])
_trajectory = run_agent(_trajectory_model, make_calculator_registry(),
                        [{"role": "system", "content": "계산 도우미"},
                         {"role": "user", "content": "12 * (3 + 4)와 2 ** 10을 계산해 줘."}])


def describe(message):
    """궤적 그림의 한 줄: 도구 호출은 [id] 이름(인자), 도구 결과는 [id] 결과: 내용."""
    if message.get("tool_calls"):
        return "  ".join(f"[{c['id']}] {c['function']['name']}({c['function']['arguments']})"
                         for c in message["tool_calls"])
    if message["role"] == "tool":
        return f"[{message['tool_call_id']}] 결과: {message['content'][:45]}"
    return str(message["content"])


def draw_trajectory(result, title):
    """run_agent의 결과를 메시지마다 한 칸으로 그립니다. 곡선 화살표는 tool_call_id로 이어진 호출과 결과입니다."""
    colors = {"system": "#dddddd", "user": "#9ecae1", "assistant": "#fdae6b", "tool": "#a1d99b"}
    fig, ax = plt.subplots(figsize=(11, 0.62 * len(result["messages"]) + 0.6))
    rows = {}
    for row, message in enumerate(result["messages"]):
        y = -row
        is_error = message["role"] == "tool" and message["content"].startswith("Error:")
        x0 = 0.8 if message["role"] == "tool" else 0.0
        ax.add_patch(FancyBboxPatch((x0, y - 0.3), 9.5 - x0, 0.6, boxstyle="round,pad=0.02",
                                    color="#fc9272" if is_error else colors[message["role"]]))
        ax.text(x0 + 0.1, y, f"{message['role']}: {describe(message)}", va="center", fontsize=8)
        for call in message.get("tool_calls") or []:
            rows[call["id"]] = y
        if message["role"] == "tool" and message["tool_call_id"] in rows:
            ax.annotate("", xy=(0.8, y), xytext=(0.3, rows[message["tool_call_id"]] - 0.3),
                        arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=0.3"})
    ax.set_xlim(-0.2, 9.8)
    ax.set_ylim(-len(result["messages"]) + 0.4, 0.6)
    ax.axis("off")
    ax.set_title(f"{title}: steps={result['steps']}, stopped={result['stopped']} (빨간 칸 = 오류 관찰)")


draw_trajectory(_trajectory, "에이전트 궤적 (trajectory, 대본대로 답하는 가짜 모델)")
plt.show()

# %% [markdown]
# ## 4. 궤적 평가
#
# 에이전트는 답 하나가 아니라 **궤적 전체**로 평가합니다. 최종 답이 맞았는지뿐 아니라 몇 스텝이
# 걸렸는지(비용), 도구 오류를 몇 번 냈는지(모델이 형식을 얼마나 지키는지)도 봅니다. 3.4절의 정확도처럼
# 작업 묶음 전체에 대한 평균으로 요약합니다.
#
# **작업 형식**: 작업 하나는 dict입니다.
# ```python
# {"messages": [{"role": "system", ...}, {"role": "user", "content": "계산해 주세요: 17 + 25"}],
#  "expected": "42",        # 최종 답 문자열 안에 들어 있어야 하는 정답
#  "max_steps": 4}          # 선택: 이 작업의 스텝 한도 (없으면 5)
# ```
#
# - 작업마다 `client_factory()`를 불러 **새 모델**을 만듭니다 (이전 작업의 상태가 섞이지 않게).
# - 성공 = `stopped == "final_answer"`이고 `expected`가 최종 답 안에 들어 있음. 스텝 한도에 걸린
#   작업(`final`이 `None`)은 실패입니다.
# - `success_rate` = 성공 수 / 작업 수, `mean_steps` = 작업별 `steps`의 평균,
#   `tool_errors` = 새로 생긴 도구 메시지 중 `"Error:"`로 시작하는 것의 총 개수.
#
# **연습 4.** `evaluate_agent(client_factory, registry, tasks)`를 구현하세요. `run_agent`를 쓰세요.

# %% solution=["evaluate_agent"]

# %% tests="test_evaluate_agent"
_scripts = {
    "17 + 25는?": [assistant_calls(tool_call("a", "calculator", {"expression": "17 + 25"})),
                  assistant_says("42입니다.")],
    "2 ** 10은?": [assistant_calls(tool_call("b", "calculator", '{"expression": "2 ** 10"')),
                  assistant_says("모르겠어요.")],
}


class _BookModel:
    """첫 호출에서 질문을 보고 그 질문의 대본을 고르는 가짜 모델. 클래스 자체가 client_factory입니다."""

    def __init__(self):
        self.model = None

    def __call__(self, messages, tools):
        if self.model is None:
            question = [m for m in messages if m["role"] == "user"][-1]["content"]
            self.model = ScriptedModel(_scripts[question])
        return self.model(messages, tools)


_tasks = [{"messages": [{"role": "user", "content": "17 + 25는?"}], "expected": "42"},
          {"messages": [{"role": "user", "content": "2 ** 10은?"}], "expected": "1024", "max_steps": 3}]
_report = evaluate_agent(_BookModel, make_calculator_registry(), _tasks)
assert _report["success_rate"] == 0.5, "success_rate는 성공한 작업의 비율이어야 합니다."
assert _report["mean_steps"] == 2.0, "mean_steps는 작업별 steps의 평균이어야 합니다."
assert _report["tool_errors"] == 1, "tool_errors는 \"Error:\"로 시작하는 도구 메시지의 개수여야 합니다."
print("evaluate_agent: 통과")

# %% [markdown]
# ### 스텝 한도와 모델의 강도
#
# 이제 작은 실험을 합니다. 아래 `ArithmeticModel`은 질문에서 식을 찾아 계산기를 부르고, 결과를 읽어
# 답하는 규칙 기반 "모델"입니다. `noise`의 확률로 실수합니다: JSON을 깨뜨리거나 도구 이름을 틀립니다.
# 실수하면 오류 관찰을 읽고 다음 스텝에서 다시 시도합니다. `noise`가 작을수록 "강한 모델"입니다.
#
# 같은 작업 묶음을 스텝 한도 1 ~ 6으로 평가하면 두 가지가 보입니다.
# - 한도가 1이면 아무도 성공하지 못합니다. 도구를 부르고, 결과를 읽고, 답하려면 최소 두 스텝이 필요합니다.
# - 약한 모델은 재시도에 스텝을 써 버려서, 같은 한도에서 성공률이 낮고 오류가 많습니다.

# %%
class ArithmeticModel:
    """질문 "계산해 주세요: <식>"의 식을 계산기로 계산해 답하는 규칙 기반 모델. noise 확률로 실수합니다."""

    def __init__(self, noise=0.0, seed=0):
        self.noise = noise
        self.rng = random.Random(seed)
        self.n_calls = 0

    def __call__(self, messages, tools):
        self.n_calls += 1
        last = messages[-1]
        if last["role"] == "tool" and not last["content"].startswith("Error:"):
            return assistant_says(f"답은 {last['content']}입니다.")
        expression = [m for m in messages if m["role"] == "user"][-1]["content"].split(":", 1)[1].strip()
        call_id = f"call_{self.n_calls}"
        if self.rng.random() < self.noise:
            if self.rng.random() < 0.5:
                return assistant_calls(tool_call(call_id, "calculator", '{"expression": "' + expression))
            return assistant_calls(tool_call(call_id, "calculater", {"expression": expression}))
        return assistant_calls(tool_call(call_id, "calculator", {"expression": expression}))


class ModelFactory:
    """evaluate_agent용 client_factory: 부를 때마다 씨앗(seed)이 다른 새 ArithmeticModel."""

    def __init__(self, noise):
        self.noise = noise
        self.seed = 0

    def __call__(self):
        self.seed += 1
        return ArithmeticModel(self.noise, self.seed)


QUESTIONS = [("17 + 25", "42"), ("12 * (3 + 4)", "84"), ("2 ** 10", "1024"), ("(100 - 19) / 4", "20.25"),
             ("3.5 * 6", "21.0"), ("-(8 - 51)", "43"), ("7 ** 3 - 1", "342"), ("1000 / 8", "125.0")]


def make_tasks(max_steps):
    return [{"messages": [{"role": "system", "content": "계산기 도구로 답하세요."},
                          {"role": "user", "content": f"계산해 주세요: {expression}"}],
             "expected": answer, "max_steps": max_steps}
            for expression, answer in QUESTIONS]


# %% tags=["skip-grading"]
step_limits = range(1, 7)
noises = [0.0, 0.3, 0.6]
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
for noise in noises:
    reports = [evaluate_agent(ModelFactory(noise), make_calculator_registry(), make_tasks(k))
               for k in step_limits]
    left.plot(list(step_limits), [r["success_rate"] for r in reports], marker="o", label=f"noise={noise}")
    right.bar([k + 0.25 * (noises.index(noise) - 1) for k in step_limits],
              [r["tool_errors"] for r in reports], width=0.25, label=f"noise={noise}")
left.set(xlabel="스텝 한도 (max_steps)", ylabel="성공률 (success_rate)", ylim=(-0.05, 1.05),
         title="스텝 한도에 따른 성공률 (success rate vs step limit)")
right.set(xlabel="스텝 한도 (max_steps)", ylabel="도구 오류 수 (tool_errors)", title="도구 오류 (tool errors)")
left.legend()
right.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. 과정의 작은 한국어 GPT를 루프에 넣기
#
# `run_agent`는 모델에 대해 `client(messages, tools)`라는 함수 모양만 압니다. 그래서 어떤 모델이든 이 모양으로
# 감싸면 루프에 넣을 수 있습니다. 이제 대본 대신 **진짜 언어 모델**, 2장에서 만들고 09에서 생성에 쓴 과정의
# 작은 한국어 GPT를 여러분의 루프에 넣어 봅니다.
#
# 글자만 만드는 언어 모델(`generate(prompt) -> str`)은 아래 주어진 코드의 `TextModelClient`로 감쌉니다.
# - `chat_prompt(messages, tools)`: 대화를 한 메시지에 한 줄씩 펴서 프롬프트 한 덩어리로 만듭니다. 과정의 GPT는
#   문맥이 128 토큰뿐이라 도구 설명과 시스템 메시지는 빼고 도구 이름과 인자 이름만 적습니다.
# - 모델 출력의 첫 줄이 `CALL 도구이름 {JSON 인자}`이면 도구 호출로, 아니면 최종 답으로 바꿉니다. 인자는 모델이
#   쓴 글자 그대로 넘기므로, 깨진 JSON이면 여러분의 `ToolRegistry.call`이 `"Error:"`를 돌려줍니다.
# - `course_model_generate(model, tokenizer)`: 09의 `greedy_decode`로 한 줄을 씁니다(끝 토큰이나 줄바꿈에서 멈춤).
#
# 같은 루프, 같은 도구, 같은 작업으로 두 모델을 비교합니다.
# 1. **사전 학습만 한 과정의 GPT** (`course_model/`): 법령과 소프트웨어 도움말을 읽었을 뿐 도구 호출은 본 적이
#    없습니다.
# 2. **도구 호출 형식을 배운 과정의 GPT**: 같은 모델에 10의 LoRA 어댑터(`agent_adapter/`)를 얹었습니다.
#    저장소의 `scripts/agent_finetune.py`가 계산 질문 대화를 만들고(계산 결과는 이 과제의 참고 답안 `calculator`),
#    11의 `tokenize_prompt_and_output`과 `masked_mean`으로 **모델이 쓸 줄에서만** 손실을 계산해 학습했습니다
#    (지시 튜닝, SFT). 아래 `QUESTIONS`의 식은 학습에 쓰지 않았습니다.
#
# 아래 셀들은 앞 과제의 코드와 모델을 읽는 코드입니다. **채점 대상이 아니며** 수정하지 마세요.

# %% support=["07_attention:softmax", "07_attention:causal_mask", "07_attention:attention_weights", "07_attention:scaled_dot_product_attention", "07_attention:MultiHeadSelfAttention", "08_transformer_block:layer_norm", "08_transformer_block:gelu", "08_transformer_block:FeedForward", "08_transformer_block:TransformerBlock", "08_transformer_block:MiniGPT"]

# %% support=["05_tokenization:GPT2_PATTERN", "05_tokenization:pretokenize", "05_tokenization:_split_on_special_tokens", "05_tokenization:_merge_word", "05_tokenization:_apply_merges", "05_tokenization:BPETokenizer", "course_model:load_course_model"]

# %% support=["09_generation:_next_logits", "09_generation:greedy_decode", "10_finetuning_methods:LoRALinear", "10_finetuning_methods:apply_lora"]

# %% support=["agent_model:ROLE_NAMES", "agent_model:CALL_PREFIX", "agent_model:chat_prompt", "agent_model:TextModelClient", "agent_model:course_model_generate", "agent_model:load_agent_model"]

# %% [markdown]
# 모델이 실제로 받는 프롬프트는 이렇습니다. 마지막 줄 `도우미:` 뒤를 모델이 이어 씁니다.

# %% tags=["skip-grading"]
torch.set_num_threads(1)  # 작은 모델은 스레드 하나가 가장 빠르고, 결과도 언제나 같습니다
folder = next((p for p in ("course_model", "../09_generation/course_model") if Path(p).is_dir()), "course_model")
plain_model, tokenizer, _ = load_course_model(folder)
tool_model, _, adapter = load_agent_model(folder, "agent_adapter")
print(chat_prompt(make_tasks(4)[1]["messages"], make_calculator_registry().schemas()))
print(f"\nLoRA 어댑터: r = {adapter['r']}, alpha = {adapter['alpha']}, 대상 {adapter['target_modules']}")
held_out = adapter["held_out"]
print(f"학습 스크립트가 잰 결과 (학습에 쓰지 않은 질문 {held_out['n_tasks']}개, 스텝 한도 3): "
      f"어댑터 성공률 {held_out['adapted']['success_rate']:.1%}, "
      f"사전 학습만 한 모델 {held_out['plain_course_model']['success_rate']:.1%}")

# %% tags=["skip-grading"]
models = {"사전 학습만 한 과정의 GPT": plain_model, "도구 호출 형식을 배운 과정의 GPT (LoRA)": tool_model}
for label, model in models.items():
    generate = course_model_generate(model, tokenizer)
    report = evaluate_agent(lambda: TextModelClient(generate), make_calculator_registry(), make_tasks(4))
    print(f"{label}: 성공률 {report['success_rate']:.0%}, 평균 스텝 {report['mean_steps']:.1f}, "
          f"도구 오류 {report['tool_errors']}")

# %% [markdown]
# 두 모델의 궤적을 하나씩 봅시다. 같은 질문에 사전 학습만 한 모델은 도구를 부르지 않고 처음 보는 형식의 프롬프트
# 뒤에 아무 글자나 이어 씁니다(그 글이 곧 "최종 답"이 됩니다). 형식을 배운 모델은 계산기를 부르고, 결과를 읽어
# 답합니다. 아래 그림은 대본이 아니라 모델이 직접 만든 궤적입니다.

# %% tags=["skip-grading"]
question = make_tasks(4)[1]
for label, model in models.items():
    result = run_agent(TextModelClient(course_model_generate(model, tokenizer)), make_calculator_registry(),
                       question["messages"], max_steps=4)
    print(f"== {label} ==")
    for message in result["messages"][1:]:
        print(f"  {message['role']:<9} | {describe(message)}")
    print()
draw_trajectory(result, "과정의 GPT (LoRA)의 실제 궤적")
plt.show()

# %% [markdown]
# ## 정리
#
# - 에이전트 = 언어 모델 + 도구 + 루프. 모델은 도구 호출을 **메시지로 요청**하고, 실행은 우리 코드가 합니다.
# - 도구 인자는 믿을 수 없는 입력입니다: JSON 스키마로 검증하고(문자열이든 dict이든 같은 길로), 코드는 실행하지
#   않습니다 (`eval` 금지).
# - 실패는 예외가 아니라 **관찰**입니다. 모델이 읽고 고칠 수 있게 `"Error: ..."` 문자열로 돌려줍니다.
# - 메시지 순서(어시스턴트 다음에 도구 결과), `tool_call_id`, 모든 호출 실행, 스텝 한도가 루프의 핵심입니다.
# - 에이전트는 궤적으로 평가합니다: 성공률, 스텝 수, 도구 오류. 같은 루프라도 모델이 약하면 성공률이 무너집니다.
#
# 이 과제를 만들 때 잰 결과: 사전 학습만 한 과정의 GPT는 이 노트북의 계산 질문 8개에서 성공률 0 %(도구를 한 번도
# 부르지 않음), LoRA 어댑터(29만 개 파라미터, 원래 모델의 22 %)를 얹은 같은 모델은 8개 모두(100 %, 평균 2 스텝),
# 학습에 쓰지 않은 질문 48개에서는 87.5 %를 맞혔습니다. 틀린 6개는 모두 계산기가 돌려준 긴 소수(예:
# 9.454545454545455)를 답에 옮겨 적다 자릿수를 틀린 경우입니다. 학습 대화의 결과는 14자 이하였기 때문에, 모델은
# 그보다 긴 숫자를 그대로 옮기는 법을 배우지 못했습니다. 130만 개 파라미터의 작은 모델도 형식은 배우지만, 배운
# 범위를 조금만 벗어나도 흔들리고, 처음 보는 도구나 여러 단계 작업, 오류 관찰을 읽고 고치는 능력은 이 정도의
# 학습으로는 생기지 않습니다. 실제 에이전트에 지시를 따르도록 튜닝된 큰 모델을 쓰는 이유입니다.
#
# - 더 해 보기: `make_tasks`의 질문을 "17 더하기 25는?"처럼 학습 때 보지 못한 말투로 바꾸거나, 식을 길게 만들면
#   형식을 배운 모델의 성공률이 어떻게 변하나요? `describe`로 궤적을 출력해 어디서 틀리는지 보세요.
