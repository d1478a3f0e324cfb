"""run_agent with scripted fake models (no network).

The fakes run in the student's worker; what they saw comes back inside `result["final"]`
(ProbeClient answers "PROBE:" + JSON of every call it received).
"""
import json

import pytest

from grader.checks import HintedFailure, assert_equal, expect
from grader.worker import testkit
from grader.worker.testkit import calls, says, tool_call

pytestmark = pytest.mark.cell("test_run_agent")

SYSTEM = {"role": "system", "content": "너는 도구로 계산을 돕는 에이전트다."}
USER = {"role": "user", "content": "몇 가지 계산을 해 줘."}


def _run(student, client, registry=None, **kwargs):
    registry = testkit.ArithmeticRegistry() if registry is None else registry
    result = student.run_agent(client, registry, [SYSTEM, USER], **kwargs)
    expect(isinstance(result, dict) and {"messages", "final", "steps", "stopped"} <= set(result),
           "run_agent는 \"messages\", \"final\", \"steps\", \"stopped\" 키를 가진 dict를 돌려줘야 합니다.")
    return result


def _probe_report(result):
    """The list of what the probe model saw, call by call."""
    final = result["final"]
    if not (isinstance(final, str) and final.startswith("PROBE:")):
        raise HintedFailure("모델이 최종 답을 냈는데 루프가 그 답을 final로 돌려주지 않았습니다. 도구 호출이 "
                            "없는 어시스턴트 메시지의 content를 final로 돌려주는지 확인하세요.",
                            f"final={final!r}")
    return json.loads(final[len("PROBE:"):])


def _roles(seen_messages):
    return [m["role"] for m in seen_messages]


def _tool_results(seen_messages):
    """tool_call_id -> content of the tool messages, and how many there were."""
    tools = [m for m in seen_messages if m["role"] == "tool"]
    return {m.get("tool_call_id"): m.get("content") for m in tools}, len(tools)


@pytest.mark.points(4)
def test_final_answer_stops_the_loop(student):
    """도구 호출이 없는 어시스턴트 메시지가 오면 루프가 멈추고 그 내용을 final로 돌려줘야 합니다."""
    result = _run(student, testkit.ScriptedClient([says("답은 42입니다.")], after="두 번째 호출"))
    assert_equal([result["final"], result["steps"], result["stopped"]], ["답은 42입니다.", 1, "final_answer"],
                 hint="모델이 처음부터 최종 답을 내면 한 스텝 만에 멈춰야 합니다 "
                      "(final = content, steps = 1, stopped = \"final_answer\").")
    assert_equal(_roles(result["messages"]), ["system", "user", "assistant"],
                 hint="반환하는 messages에는 입력 메시지와 모델의 최종 답 메시지가 들어 있어야 합니다.")
    for empty in ([], None):
        final_turn = {"role": "assistant", "content": "끝났습니다.", "tool_calls": empty}
        client = testkit.ScriptedClient([calls(tool_call("c1", "add", {"a": 1, "b": 2})), final_turn],
                                        after="멈추지 않았습니다")
        result = _run(student, client)
        assert_equal([result["final"], result["steps"], result["stopped"]], ["끝났습니다.", 2, "final_answer"],
                     hint="tool_calls가 빈 리스트이거나 None인 메시지도 최종 답이고, 루프는 거기서 멈춥니다.")


@pytest.mark.points(6)
def test_message_sequence_seen_by_the_model(student):
    """두 번째 호출에서 모델은 [system, user, assistant(tool_calls), tool, tool] 순서를 받아야 합니다."""
    client = testkit.ProbeClient([calls(tool_call("call_a", "add", {"a": 1, "b": 2}),
                                        tool_call("call_b", "multiply", {"a": 3, "b": 4}))])
    result = _run(student, client)
    seen = _probe_report(result)
    expect(len(seen) == 2, "모델은 정확히 두 번 호출되어야 합니다 (도구 호출 한 번, 최종 답 한 번).")
    assert_equal(_roles(seen[0]["messages"]), ["system", "user"],
                 hint="첫 호출에는 입력 메시지만 넘겨야 합니다.")
    second = seen[1]["messages"]
    assert_equal(_roles(second), ["system", "user", "assistant", "tool", "tool"],
                 hint="도구 결과보다 먼저, tool_calls를 담은 어시스턴트 메시지를 대화에 붙여야 합니다. "
                      "그래야 모델이 어떤 호출의 결과인지 압니다.")
    assert_equal(second[2].get("tool_call_ids"), ["call_a", "call_b"],
                 hint="대화에 붙이는 어시스턴트 메시지는 모델이 돌려준 tool_calls를 그대로 담아야 합니다.")
    assert_equal(_roles(result["messages"]), ["system", "user", "assistant", "tool", "tool", "assistant"],
                 hint="반환하는 messages는 최종 답까지 포함한 전체 대화여야 합니다.")


@pytest.mark.points(5)
def test_tool_call_ids_match_their_calls(student):
    """각 도구 메시지의 tool_call_id는 그 결과를 낳은 호출의 id와 같아야 합니다."""
    client = testkit.ProbeClient([calls(tool_call("call_x9", "add", {"a": 2, "b": 2}),
                                        tool_call("call_07", "multiply", {"a": 3, "b": 7}),
                                        tool_call("c-3", "add", {"a": 10, "b": -1}))])
    result = _run(student, client)
    seen = _probe_report(result)
    results, count = _tool_results(seen[1]["messages"])
    expect(count == 3, "세 호출 각각에 도구 메시지가 하나씩 있어야 합니다.")
    assert_equal(results, {"call_x9": "4", "call_07": "21", "c-3": "9"},
                 hint="도구 메시지의 tool_call_id가 호출의 id와 맞지 않습니다. 각 결과에 "
                      "call[\"id\"]를 그대로 붙이세요 (새 id를 만들거나 첫 id를 재사용하지 마세요).")


@pytest.mark.points(5)
def test_every_parallel_call_is_executed(student):
    """한 턴에 여러 도구 호출이 오면 모두 실행해야 합니다."""
    client = testkit.ProbeClient([calls(tool_call("call_1", "add", {"a": 1.5, "b": 2.5}),
                                        tool_call("call_2", "multiply", {"a": 5.0, "b": 10}),
                                        tool_call("call_3", "divide", {"a": 100, "b": 10}))])
    seen = _probe_report(_run(student, client))
    results, count = _tool_results(seen[-1]["messages"])
    assert_equal([results.get(f"call_{i}") for i in (1, 2, 3)], ["4.0", "50.0", "10.0"],
                 hint="한 턴에 온 도구 호출은 모두 실행합니다.")
    expect(count == 3, "호출 하나당 도구 메시지는 하나여야 합니다.")


@pytest.mark.points(4)
def test_bad_json_becomes_an_error_observation(student):
    """깨진 JSON 인자는 루프를 멈추지 않고 "Error:" 도구 메시지가 되어야 합니다 (학생의 ToolRegistry 사용)."""
    registry = student.ToolRegistry()
    registry.register("add", testkit.add, testkit.ARITHMETIC_SCHEMA)
    client = testkit.ProbeClient([calls(tool_call("bad", "add", '{"a": 1, "b": '),
                                        tool_call("good", "add", {"a": 1, "b": 2}))])
    result = _run(student, client, registry)
    seen = _probe_report(result)
    results, _ = _tool_results(seen[-1]["messages"])
    expect(isinstance(results.get("bad"), str) and results["bad"].startswith("Error:"),
           "깨진 JSON 인자에 대한 도구 메시지의 content가 \"Error:\"로 시작해야 합니다.")
    assert_equal(results.get("good"), "3", hint="같은 턴의 다른 도구 호출은 정상적으로 실행되어야 합니다.")
    assert_equal(result["stopped"], "final_answer",
                 hint="오류를 관찰로 돌려준 뒤 루프는 계속되어 모델의 최종 답에서 멈춰야 합니다.")


@pytest.mark.points(4)
def test_unknown_tool_becomes_an_error_observation(student):
    """등록되지 않은 도구 호출은 루프를 멈추지 않고 "Error:" 도구 메시지가 되어야 합니다 (학생의 ToolRegistry 사용)."""
    registry = student.ToolRegistry()
    registry.register("add", testkit.add, testkit.ARITHMETIC_SCHEMA)
    client = testkit.ProbeClient([calls(tool_call("u1", "search_web", {"query": "날씨"})),
                                  calls(tool_call("u2", "add", {"a": 4, "b": 5}))])
    result = _run(student, client, registry)
    seen = _probe_report(result)
    expect(len(seen) == 3, "알 수 없는 도구 호출 뒤에도 루프가 계속되어야 합니다.")
    results, _ = _tool_results(seen[-1]["messages"])
    expect(isinstance(results.get("u1"), str) and results["u1"].startswith("Error:"),
           "알 수 없는 도구에 대한 도구 메시지의 content가 \"Error:\"로 시작해야 합니다.")
    assert_equal(results.get("u2"), "9", hint="오류 다음 턴의 도구 호출도 정상적으로 실행되어야 합니다.")


@pytest.mark.points(5)
def test_step_limit_ends_the_loop(student):
    """모델이 끝없이 도구를 부르면 max_steps번 호출한 뒤 stopped="max_steps"로 끝나야 합니다."""
    for max_steps in (4, 1):
        result = _run(student, testkit.ToolLoopClient(give_up_after=25), max_steps=max_steps)
        n_model_calls = _roles(result["messages"]).count("assistant")
        assert_equal([n_model_calls, result["steps"], result["stopped"]], [max_steps, max_steps, "max_steps"],
                     hint="스텝 한도가 없거나 어긋났습니다. 모델은 최대 max_steps번만 호출하고, 그래도 "
                          "끝나지 않으면 steps = max_steps, stopped = \"max_steps\"로 돌려주세요.")
    result = _run(student, testkit.ToolLoopClient(give_up_after=25))
    assert_equal([result["steps"], result["stopped"]], [5, "max_steps"],
                 hint="max_steps의 기본값은 5입니다.")


@pytest.mark.points(3)
def test_model_is_given_the_registry_schemas(student):
    """모델에게는 매 호출마다 registry.schemas()의 도구 목록을 넘겨야 합니다."""
    client = testkit.ProbeClient([calls(tool_call("t1", "add", {"a": 1, "b": 1}))])
    seen = _probe_report(_run(student, client))
    assert_equal([call["tools"] for call in seen], [["add", "multiply", "divide"]] * 2,
                 hint="client(messages, tools)의 tools로 registry.schemas()를 넘기세요.")


@pytest.mark.points(3)
def test_the_callers_message_list_is_left_alone(student):
    """run_agent가 넘겨받은 messages 리스트에 메시지를 붙이지 않고 복사본에 이어 붙이는지 확인합니다."""
    client = testkit.ScriptedClient([calls(tool_call("k1", "add", {"a": 2, "b": 3})), says("5입니다.")])
    start = [dict(SYSTEM), dict(USER)]
    result, (_, _, after), _ = student.call_with_args("run_agent", client, testkit.ArithmeticRegistry(), start)
    assert_equal([m["role"] for m in after], ["system", "user"],
                 hint="넘겨받은 messages 리스트가 바뀌었습니다. list(messages)로 복사한 뒤 이어 붙이세요.")
    expect(isinstance(result, dict) and [m["role"] for m in result.get("messages", [])]
           == ["system", "user", "assistant", "tool", "assistant"],
           "반환하는 messages에는 입력 메시지 뒤에 이번 실행의 메시지가 모두 있어야 합니다.")
