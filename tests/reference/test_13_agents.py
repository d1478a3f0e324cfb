"""The 13_agents reference against Python's own arithmetic, `jsonschema`, and scripted fake models."""
import builtins
import importlib.util
import json
import math
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from grader.assignments import load_module_from
from grader.worker import testkit
from grader.worker.testkit import calls, says, tool_call

ROOT = Path(__file__).resolve().parents[2]


def _load():
    spec = importlib.util.spec_from_file_location("solution_13_agents", ROOT / "solutions" / "13_agents.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sol = _load()

# ----------------------------------------------------------------------------- calculator

numbers = st.one_of(st.integers(0, 50).map(str),
                    st.floats(0, 50, allow_nan=False, allow_subnormal=False).map(lambda x: repr(round(x, 3))))


def _combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "%"]), children).map(
        lambda t: f"({t[0]}) {t[1]} ({t[2]})")
    power = st.tuples(children, st.integers(-3, 3)).map(lambda t: f"({t[0]}) ** {t[1]}")
    negate = children.map(lambda e: f"-({e})")
    return st.one_of(binary, power, negate)


expressions = st.recursive(numbers, _combine, max_leaves=12)


def _python(expression):
    """Python's arithmetic as the oracle (trusted, generated input only)."""
    try:
        return eval(expression, {"__builtins__": {}}, {})  # the oracle, not the tool
    except (ZeroDivisionError, OverflowError):
        return None


@settings(max_examples=200, deadline=None)
@given(expressions)
def test_calculator_matches_python_arithmetic(expression):
    want = _python(expression)
    got = sol.calculator(expression)
    if want is None or isinstance(want, complex):
        assert got.startswith("Error:")
    else:
        assert got == str(want)


@pytest.mark.parametrize("expression", ["__import__('os').system('true')", "open('x')", "x", "abs(-1)",
                                        "(1).real", "'a' * 2", "[1][0]", "()", "7 // 2", "1 < 2", "True + 1",
                                        "2 ** 1000", "(-8) ** 0.5", "1 +", "", "1 / 0"])
def test_calculator_rejects_everything_else(expression):
    assert sol.calculator(expression).startswith("Error:")


def test_calculator_never_calls_eval(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert sol.calculator("2 ** 3 ** 2 - -1") == "513"
    assert sol.calculator(" 10 / 4 ") == "2.5"


# ----------------------------------------------------------------------------- jsonschema

SCHEMA = {
    "type": "object",
    "properties": {"text": {"type": "string", "minLength": 1},
                   "times": {"type": "integer", "minimum": 1, "maximum": 3}},
    "required": ["text"],
    "additionalProperties": False,
}
json_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-5, 5, allow_nan=False, allow_subnormal=False),
                        st.text(max_size=3), st.lists(st.integers(), max_size=2))
arguments = st.dictionaries(st.sampled_from(["text", "times", "extra"]), json_values, max_size=3)


@settings(max_examples=200, deadline=None)
@given(arguments)
def test_registry_rejects_exactly_what_jsonschema_rejects(args):
    registry = sol.ToolRegistry()
    registry.register("shout", testkit.shout, SCHEMA)
    valid = jsonschema.Draft202012Validator(SCHEMA).is_valid(args)
    got = registry.call("shout", json.dumps(args))
    assert got.startswith("Error:") != valid
    if valid:
        assert got == testkit.shout(**args)


def test_registry_schemas_and_failures():
    registry = sol.ToolRegistry()
    registry.register("add", testkit.add, testkit.ARITHMETIC_SCHEMA, description="더하기")
    registry.register("divide", testkit.divide, testkit.ARITHMETIC_SCHEMA)
    assert registry.schemas() == [
        {"type": "function", "function": {"name": "add", "description": "더하기",
                                          "parameters": testkit.ARITHMETIC_SCHEMA}},
        {"type": "function", "function": {"name": "divide", "description": "",
                                          "parameters": testkit.ARITHMETIC_SCHEMA}}]
    assert registry.call("add", '{"a": 1.5, "b": 2.5}') == "4.0"
    assert registry.call("add", {"a": 1, "b": 2}) == "3"
    for name, raw in [("add", '{"a": 1,'), ("nope", "{}"), ("divide", '{"a": 1, "b": 0}'), ("add", "[]")]:
        assert registry.call(name, raw).startswith("Error:")


def test_register_rejects_a_broken_schema():
    with pytest.raises(jsonschema.SchemaError):
        sol.ToolRegistry().register("bad", testkit.add, {"type": "objekt"})


# ----------------------------------------------------------------------------- the agent loop

START = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]


def test_loop_messages_ids_and_parallel_calls():
    client = testkit.ScriptedClient([calls(tool_call("c1", "add", {"a": 1.5, "b": 2.5}),
                                           tool_call("c2", "multiply", {"a": 5.0, "b": 10}),
                                           tool_call("c3", "divide", {"a": 100, "b": 10})),
                                     says("끝")])
    result = sol.run_agent(client, testkit.ArithmeticRegistry(), START)
    second = client.calls[1]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool", "tool", "tool"]
    assert [m["tool_call_id"] for m in second[3:]] == ["c1", "c2", "c3"]
    assert [m["content"] for m in second[3:]] == ["4.0", "50.0", "10.0"]
    assert result["final"] == "끝" and result["steps"] == 2 and result["stopped"] == "final_answer"
    assert len(START) == 2  # the caller's list is left alone


def test_loop_turns_bad_calls_into_observations():
    registry = sol.ToolRegistry()
    registry.register("add", testkit.add, testkit.ARITHMETIC_SCHEMA)
    client = testkit.ScriptedClient([calls(tool_call("x", "add", '{"a": '), tool_call("y", "nope", {})),
                                     says("ok")])
    result = sol.run_agent(client, registry, START)
    tool_messages = [m for m in result["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["x", "y"]
    assert all(m["content"].startswith("Error:") for m in tool_messages)
    assert result["stopped"] == "final_answer"


@pytest.mark.parametrize("max_steps", [1, 3, 5])
def test_loop_step_limit(max_steps):
    client = testkit.ToolLoopClient()
    result = sol.run_agent(client, testkit.ArithmeticRegistry(), START, max_steps=max_steps)
    assert client.n_calls == max_steps
    assert result == {**result, "final": None, "steps": max_steps, "stopped": "max_steps"}


def test_probe_client_reports_what_it_saw():
    client = testkit.ProbeClient([calls(tool_call("a", "add", {"a": 1, "b": 2}))])
    result = sol.run_agent(client, testkit.ArithmeticRegistry(), START)
    seen = json.loads(result["final"].removeprefix("PROBE:"))
    assert [m["role"] for m in seen[1]["messages"]] == ["system", "user", "assistant", "tool"]
    assert seen[1]["messages"][3] == {"role": "tool", "tool_call_id": "a", "content": "3",
                                      "content_type": "str"}
    assert seen[0]["tools"] == ["add", "multiply", "divide"]


# ----------------------------------------------------------------------------- evaluation


def test_evaluate_agent_by_hand():
    def task(question, expected, **extra):
        return {"messages": [{"role": "user", "content": question}], "expected": expected, **extra}

    scripts = {"q1": [calls(tool_call("1", "add", {"a": 1, "b": 2})), says("3")],
               "q2": [calls(tool_call("2", "add", "{")), says("틀림")],
               "q3": [calls(tool_call(str(i), "divide", {"a": 1, "b": 0})) for i in range(9)]}
    report = sol.evaluate_agent(testkit.ScriptBook(scripts), testkit.ArithmeticRegistry(),
                                [task("q1", "3"), task("q2", "5"), task("q3", "?", max_steps=4)])
    assert report["success_rate"] == pytest.approx(1 / 3)
    assert report["mean_steps"] == pytest.approx((2 + 2 + 4) / 3)
    assert report["tool_errors"] == 1 + 4
    assert math.isfinite(report["mean_steps"])


# ----------------------------------------------------------------------------- input paths

@settings(max_examples=200, deadline=None)
@given(arguments)
def test_registry_validates_a_dict_exactly_like_its_json_string(args):
    """One validation path whatever the type: the parsed dict and its JSON text get the same answer."""
    registry = sol.ToolRegistry()
    registry.register("shout", testkit.shout, SCHEMA)
    assert registry.call("shout", dict(args)) == registry.call("shout", json.dumps(args))


@pytest.mark.parametrize("arguments", [None, [1, 2], 5, "null", "5", '"text"'])
def test_registry_refuses_arguments_that_are_not_an_object(arguments):
    registry = sol.ToolRegistry()
    registry.register("add", testkit.add, testkit.ARITHMETIC_SCHEMA)
    assert registry.call("add", arguments).startswith("Error:")


def test_booleans_are_not_numbers_for_the_schema_or_the_calculator():
    registry = sol.ToolRegistry()
    registry.register("add", testkit.add, testkit.ARITHMETIC_SCHEMA)
    assert registry.call("add", {"a": True, "b": 1}).startswith("Error:")
    assert registry.call("add", '{"a": true, "b": 1}').startswith("Error:")
    for expression in ["True", "False", "True + 1", "-True", "2 * False"]:
        assert sol.calculator(expression).startswith("Error:")


def test_loop_leaves_the_callers_list_and_messages_alone():
    start = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    kept = json.dumps(start)
    client = testkit.ScriptedClient([calls(tool_call("c1", "add", {"a": 1, "b": 2})), says("3")])
    sol.run_agent(client, testkit.ArithmeticRegistry(), start)
    assert json.dumps(start) == kept


# ----------------------------------------------------------------------------- the course model as an agent

agent_model = load_module_from(ROOT / "solutions" / "agent_model.py", "agent_model")
ADAPTER = ROOT / "assignments" / "13_agents" / "agent_adapter"
COURSE_MODEL = ROOT / "assignments" / "09_generation" / "course_model"


def _registry():
    registry = sol.ToolRegistry()
    registry.register("calculator", sol.calculator,
                      {"type": "object", "properties": {"expression": {"type": "string"}},
                       "required": ["expression"], "additionalProperties": False}, description="계산기")
    return registry


def test_chat_prompt_is_one_line_per_message_and_ends_with_the_assistant():
    messages = [{"role": "system", "content": "계산 도우미"}, {"role": "user", "content": "계산해 주세요: 1 + 2"},
                calls(tool_call("call_1", "calculator", {"expression": "1 + 2"})),
                {"role": "tool", "tool_call_id": "call_1", "content": "3"}]
    assert agent_model.chat_prompt(messages, _registry().schemas()).split("\n") == [
        "도구: calculator(expression)", "사용자: 계산해 주세요: 1 + 2",
        '도우미: CALL calculator {"expression": "1 + 2"}', "도구 결과: 3", "도우미:"]


def test_text_model_client_turns_a_call_line_into_a_tool_call_and_anything_else_into_an_answer():
    replies = iter([' CALL calculator {"expression": "6 * 7"}\n덧붙인 줄', " 답은 42입니다."])
    client = agent_model.TextModelClient(lambda prompt: next(replies))
    result = sol.run_agent(client, _registry(), [{"role": "user", "content": "6 * 7?"}])
    assert [m["role"] for m in result["messages"]] == ["user", "assistant", "tool", "assistant"]
    assert result["messages"][1]["tool_calls"][0]["function"] == {"name": "calculator",
                                                                  "arguments": '{"expression": "6 * 7"}'}
    assert result["messages"][2] == {"role": "tool", "tool_call_id": "call_1", "content": "42"}
    assert result["final"] == "답은 42입니다."


def test_the_shipped_adapter_makes_the_course_model_call_the_calculator():
    """The committed adapter loads offline and solves held-out questions through the real loop."""
    import torch

    torch.set_num_threads(1)
    model, tokenizer, config = agent_model.load_agent_model(COURSE_MODEL, ADAPTER)
    generate = agent_model.course_model_generate(model, tokenizer)
    tasks = [{"messages": [{"role": "user", "content": f"계산해 주세요: {e}"}], "expected": sol.calculator(e),
              "max_steps": 3} for e in ("17 + 25", "2 ** 10", "1000 / 8")]
    report = sol.evaluate_agent(lambda: agent_model.TextModelClient(generate), _registry(), tasks)
    assert report["success_rate"] >= 2 / 3, report
    assert config["held_out"]["adapted"]["success_rate"] > config["held_out"]["plain_course_model"]["success_rate"]


def test_the_finetuning_script_replays_its_first_steps(tmp_path):
    """A 3-step run of scripts/agent_finetune.py gives the committed run's first losses (same seed, same data)."""
    script = load_module_from(ROOT / "scripts" / "agent_finetune.py", "agent_finetune")
    stored = json.loads((ADAPTER / "adapter.json").read_text(encoding="utf-8"))
    assert stored["training"]["seed"] == script.SETTINGS["seed"]
    _, _, losses = script.train({**script.SETTINGS, "steps": stored["training"]["steps"]}, 3, log=lambda *a: None)
    assert losses == pytest.approx(stored["training"]["first_losses"][:3], abs=1e-4)
