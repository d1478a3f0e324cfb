"""evaluate_agent over a small task set played by a scripted model book (no network)."""
import pytest

from grader.checks import assert_close, assert_equal, expect
from grader.worker import testkit
from grader.worker.testkit import calls, says, tool_call

pytestmark = pytest.mark.cell("test_evaluate_agent")


def _task(question, expected, **extra):
    return {"messages": [{"role": "system", "content": "계산 도우미"}, {"role": "user", "content": question}],
            "expected": expected, **extra}


# Five tasks: two succeed (one after a bad-JSON retry), one answers wrongly, one calls an unknown
# tool and then answers wrongly, one keeps dividing by zero until its step limit of 3.
SCRIPTS = {
    "1 + 2는?": [calls(tool_call("a1", "add", {"a": 1, "b": 2})), says("답은 3입니다.")],
    "6 * 7은?": [calls(tool_call("b1", "multiply", '{"a": 6, "b": 7')),
                 calls(tool_call("b2", "multiply", {"a": 6, "b": 7})), says("42입니다.")],
    "10 / 4는?": [says("모르겠어요.")],
    "9 + 9는?": [calls(tool_call("d1", "plus", {"a": 9, "b": 9})), says("아마 19일 거예요.")],
    "1 / 0은?": [calls(tool_call(f"e{i}", "divide", {"a": 1, "b": 0})) for i in range(6)],
}
TASKS = [_task("1 + 2는?", "3"), _task("6 * 7은?", "42"), _task("10 / 4는?", "2.5"),
         _task("9 + 9는?", "18"), _task("1 / 0은?", "무한", max_steps=3)]


def _evaluate(module, tasks=TASKS, scripts=SCRIPTS):
    report = module.evaluate_agent(testkit.ScriptBook(scripts), testkit.ArithmeticRegistry(), tasks)
    expect(isinstance(report, dict) and {"success_rate", "mean_steps", "tool_errors"} <= set(report),
           "evaluate_agent는 \"success_rate\", \"mean_steps\", \"tool_errors\" 키를 가진 dict를 돌려줘야 합니다.")
    return report


@pytest.mark.points(4)
def test_success_rate(student, ref):
    """success_rate는 최종 답에 정답이 들어 있는 작업의 비율이어야 합니다."""
    hint = ("success_rate는 (stopped가 \"final_answer\"이고 최종 답 문자열에 expected가 들어 있는 작업 수) "
            "/ 작업 수입니다. 스텝 한도에 걸린 작업(final이 None)은 실패로 세세요.")
    assert_close(_evaluate(student)["success_rate"], _evaluate(ref)["success_rate"], atol=1e-12, hint=hint)
    easy = TASKS[:2]
    assert_close(_evaluate(student, easy)["success_rate"], _evaluate(ref, easy)["success_rate"],
                 atol=1e-12, hint=hint)


@pytest.mark.points(3)
def test_mean_steps(student, ref):
    """mean_steps는 작업별 steps(모델 호출 횟수)의 평균이어야 합니다."""
    assert_close(_evaluate(student)["mean_steps"], _evaluate(ref)["mean_steps"], atol=1e-12,
                 hint="mean_steps는 모든 작업(실패 포함)의 steps 평균입니다. 작업마다 "
                      "client_factory()로 새 모델을 만들고 작업의 max_steps를 쓰는지 확인하세요.")


@pytest.mark.points(3)
def test_tool_errors(student, ref):
    """tool_errors는 내용이 "Error:"로 시작하는 도구 메시지의 총 개수여야 합니다."""
    got = _evaluate(student)["tool_errors"]
    assert_close(got, _evaluate(ref)["tool_errors"], atol=0,
                 hint="tool_errors는 모든 작업에서 content가 \"Error:\"로 시작하는 도구 메시지의 "
                      "개수를 더한 값입니다 (작업 수나 실패한 작업 수가 아닙니다).")


@pytest.mark.points(2)
def test_each_task_uses_its_own_step_limit(student, ref):
    """작업에 "max_steps"가 있으면 그 한도로, 없으면 5로 run_agent를 실행해야 합니다."""
    loop = {"끝없이": [calls(tool_call(f"x{i}", "add", {"a": i, "b": 1})) for i in range(9)]}
    for tasks in ([_task("끝없이", "?", max_steps=2)], [_task("끝없이", "?")]):
        got = _evaluate(student, tasks, loop)
        want = _evaluate(ref, tasks, loop)
        assert_equal([got["success_rate"], got["mean_steps"]], [want["success_rate"], want["mean_steps"]],
                     hint="작업의 \"max_steps\" 값(없으면 5)을 run_agent에 넘기고, 한도에 걸린 작업은 "
                          "실패로 세세요.")


@pytest.mark.points(2)
def test_tool_errors_count_only_this_runs_messages(student, ref):
    """tool_errors가 작업의 처음 메시지에 이미 있던 도구 오류는 세지 않고 이번 실행에서 생긴 것만 세는지 확인합니다."""
    earlier = [{"role": "user", "content": "이전 질문"},
               calls(tool_call("old", "divide", {"a": 1, "b": 0})),
               {"role": "tool", "tool_call_id": "old", "content": "Error: ZeroDivisionError: division by zero"},
               {"role": "assistant", "content": "0으로는 나눌 수 없습니다."}]
    tasks = [{"messages": earlier + [{"role": "user", "content": "1 + 2는?"}], "expected": "3"},
             {"messages": earlier + [{"role": "user", "content": "9 + 9는?"}], "expected": "18"}]
    got = _evaluate(student, tasks)
    want = _evaluate(ref, tasks)
    assert_equal([got["tool_errors"], got["success_rate"]], [want["tool_errors"], want["success_rate"]],
                 hint="tool_errors는 이번 실행에서 새로 생긴 도구 메시지만 셉니다. 작업의 처음 messages에 "
                      "들어 있던 메시지는 빼고 세세요.")
