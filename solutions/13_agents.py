"""13. AI 에이전트 (AI Agents): 도구 등록부, 에이전트 루프, 안전한 계산기, 궤적 평가.

메시지 형식은 OpenAI 스타일입니다.
- 모델의 도구 호출: {"role": "assistant", "content": ..., "tool_calls": [
      {"id": "call_1", "type": "function",
       "function": {"name": "calculator", "arguments": "{\"expression\": \"1 + 2\"}"}}]}
- 도구 결과: {"role": "tool", "tool_call_id": "call_1", "content": "3"}
"""
import ast
import json
import operator

import jsonschema


class ToolRegistry:
    """도구 등록부: 도구 이름 → (함수, 인자의 JSON 스키마, 설명).

    - `register(name, fn, parameters_schema, description="")`: 도구를 등록합니다.
    - `schemas()`: 모델에게 건넬 도구 목록 (등록 순서대로)
      `[{"type": "function", "function": {"name", "description", "parameters"}}, ...]`
    - `call(name, arguments) -> str`: 인자를 파싱하고 `jsonschema`로 검증한 뒤 도구를 실행해
      결과를 문자열로 돌려줍니다. 어떤 실패도 예외로 던지지 않고 "Error:"로 시작하는 문자열로
      돌려줍니다. 모델은 이 문자열을 관찰(observation)로 읽고 다음 행동을 고칠 수 있습니다.
    """

    def __init__(self):
        self._tools = {}

    def register(self, name, fn, parameters_schema, description=""):
        """도구 `name`을 등록합니다. `fn`은 키워드 인자로 호출됩니다: `fn(**arguments)`.

        스키마 자체가 잘못되었으면 (개발자의 실수) 여기서 `jsonschema.SchemaError`가 납니다.
        """
        jsonschema.validators.validator_for(parameters_schema).check_schema(parameters_schema)
        self._tools[name] = {"fn": fn, "parameters": parameters_schema, "description": description}

    def schemas(self):
        """모델에게 건넬 도구 목록 (OpenAI 형식), 등록 순서대로."""
        return [{"type": "function",
                 "function": {"name": name, "description": tool["description"],
                              "parameters": tool["parameters"]}}
                for name, tool in self._tools.items()]

    def call(self, name, arguments):
        """도구 `name`을 `arguments`로 실행하고 결과를 문자열로 돌려줍니다.

        `arguments`: 모델이 준 JSON 문자열 (또는 이미 파싱된 dict).
        순서: 도구 이름 확인 → JSON 파싱 → `jsonschema.validate`로 검증 → `fn(**arguments)` →
        결과가 문자열이 아니면 `str(결과)`.
        알 수 없는 도구, 깨진 JSON, 스키마 위반, 도구 안에서 난 예외는 모두
        "Error: ..." 문자열로 돌려줍니다 (예외를 던지지 않습니다).
        """
        if name not in self._tools:
            return f"Error: 알 수 없는 도구입니다: {name!r}"
        tool = self._tools[name]
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except json.JSONDecodeError as exc:
                return f"Error: 인자가 올바른 JSON이 아닙니다 ({exc.msg})"
        try:
            jsonschema.validate(arguments, tool["parameters"])
        except jsonschema.ValidationError as exc:
            return f"Error: 인자가 스키마에 맞지 않습니다 ({exc.message})"
        try:
            result = tool["fn"](**arguments)
        except Exception as exc:  # 도구의 실패도 모델이 읽을 관찰입니다
            return f"Error: 도구 실행 중 {type(exc).__name__}: {exc}"
        return result if isinstance(result, str) else str(result)


def run_agent(client, registry, messages, max_steps=5):
    """에이전트 루프: 모델이 최종 답을 내거나 `max_steps`번 호출될 때까지 반복합니다.

    한 스텝 = 모델 호출 한 번: `reply = client(messages, registry.schemas())`.
    1. `reply`(어시스턴트 메시지)를 대화에 먼저 붙입니다.
    2. `reply`에 `tool_calls`가 없으면 (키가 없거나 None이거나 빈 리스트) 최종 답입니다:
       `final = reply["content"]`, `stopped = "final_answer"`.
    3. 있으면 모든 호출을 순서대로 실행하고 호출마다
       `{"role": "tool", "tool_call_id": 호출의 id, "content": registry.call(이름, 인자)}`를 붙입니다.
    마지막 스텝의 도구 호출도 실행합니다: `tool_calls`를 담은 어시스턴트 메시지 뒤에는 언제나 그 결과들이
    옵니다. 모델을 `max_steps`번 불렀는데도 끝나지 않으면 `final = None`, `stopped = "max_steps"`.

    반환: `{"messages": 전체 대화 (입력 메시지 포함, 입력 리스트는 바꾸지 않음),
            "final": 최종 답 또는 None, "steps": 모델을 부른 횟수, "stopped": "final_answer" | "max_steps"}`
    """
    messages = list(messages)
    tools = registry.schemas()
    for step in range(1, max_steps + 1):
        reply = client(messages, tools)
        messages.append(reply)
        tool_calls = reply.get("tool_calls") or []
        if not tool_calls:
            return {"messages": messages, "final": reply.get("content"), "steps": step,
                    "stopped": "final_answer"}
        for call in tool_calls:
            result = registry.call(call["function"]["name"], call["function"]["arguments"])
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    return {"messages": messages, "final": None, "steps": max_steps, "stopped": "max_steps"}


def calculator(expression):
    """사칙연산 식을 `eval` 없이 안전하게 계산해 문자열로 돌려줍니다.

    `ast.parse(expression, mode="eval")`로 구문 트리를 만든 뒤 허용된 노드만 재귀적으로 계산합니다:
    숫자(int, float; bool 제외), 이항 연산 `+ - * / ** %`, 단항 `-`, 괄호.
    결과는 파이썬 산술과 같고 `str(값)`으로 돌려줍니다 (예: "7", "2.5").
    그 밖의 모든 것(이름, 함수 호출, 속성, 문자열, 리스트, `//` 같은 다른 연산자),
    0으로 나누기, 문법 오류, 너무 큰 지수(|지수| > 100)는 "Error: ..." 문자열입니다.
    """
    try:
        value = _evaluate(ast.parse(expression.strip(), mode="eval").body)
    except Exception as exc:  # 문법 오류, 0으로 나누기, 허용되지 않은 식, ...
        return f"Error: {type(exc).__name__}: {exc}"
    return str(value)


def _evaluate(node):
    """구문 트리의 노드 하나를 재귀적으로 계산해 숫자를 돌려줍니다.

    - `ast.Constant`: int나 float이면 그 값 (bool, 문자열 등은 거부)
    - `ast.BinOp`: 왼쪽과 오른쪽을 먼저 계산한 뒤 `+ - * / ** %` 중 하나를 적용
      (`**`의 지수 절댓값이 100을 넘으면 거부)
    - `ast.UnaryOp`: 단항 `-` (와 `+`)
    그 밖의 노드는 `ValueError`를 던집니다 (`calculator`가 잡아서 "Error:" 문자열로 바꿉니다).
    """
    binary_ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                  ast.Div: operator.truediv, ast.Pow: operator.pow, ast.Mod: operator.mod}
    unary_ops = {ast.USub: operator.neg, ast.UAdd: operator.pos}
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in binary_ops:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 100:
            raise ValueError("지수가 너무 큽니다")
        value = binary_ops[type(node.op)](left, right)
        if isinstance(value, complex):
            raise ValueError("결과가 실수가 아닙니다")
        return value
    if isinstance(node, ast.UnaryOp) and type(node.op) in unary_ops:
        return unary_ops[type(node.op)](_evaluate(node.operand))
    raise ValueError(f"허용되지 않는 식입니다: {type(node).__name__}")


def evaluate_agent(client_factory, registry, tasks):
    """작업 묶음으로 에이전트의 궤적(trajectory)을 평가합니다.

    작업 형식: `{"messages": 처음 메시지 리스트, "expected": 정답 문자열,
                "max_steps": 스텝 한도 (선택, 기본 5)}`.
    작업마다 새 모델을 만들어 (`client_factory()`) `run_agent`를 한 번 실행합니다.
    - 성공: `stopped == "final_answer"`이고 `expected`가 최종 답 문자열 안에 들어 있음.
    - `success_rate` = 성공한 작업 수 / 작업 수
    - `mean_steps` = 작업별 `steps`의 평균
    - `tool_errors` = 이번 실행들에서 생긴 도구 메시지 중 내용이 "Error:"로 시작하는 것의 총 개수
    """
    successes, total_steps, tool_errors = 0, 0, 0
    for task in tasks:
        result = run_agent(client_factory(), registry, task["messages"],
                           max_steps=task.get("max_steps", 5))
        final = result["final"]
        if result["stopped"] == "final_answer" and final is not None and task["expected"] in final:
            successes += 1
        total_steps += result["steps"]
        new_messages = result["messages"][len(task["messages"]):]
        tool_errors += sum(1 for m in new_messages
                           if m.get("role") == "tool" and m["content"].startswith("Error:"))
    return {"success_rate": successes / len(tasks), "mean_steps": total_steps / len(tasks),
            "tool_errors": tool_errors}
