"""05 토큰화 — train_bpe의 속도 (증분 갱신). 느린 제출이 뒤 테스트를 막지 않도록 파일 이름순으로 마지막에 둡니다."""
import time

import pytest

from grader.assignments import ROOT, load_module_from
from grader.checks import assert_equal, expect
from grader.errors import CallTimeout

pytestmark = pytest.mark.cell("test_train_bpe")

# The student's trainer may take this many times the reference's time, both measured in this test,
# so a fast or a loaded machine changes both alike: no absolute floor (on a fast idle machine a
# floor let a recount-everything trainer through). On this workload (every konlpy text, 1,000
# merges) an incremental trainer that scans all pairs for the maximum is about 3x the reference and
# a recount-everything trainer 20-40x, so the bound sits well between the two.
SLOWDOWN_ALLOWED = 10.0
MERGES = 1000
REFERENCE_RUNS = 3  # the fastest of these is the reference's time: a load spike only slows a run
STUDENT_TRIES = 2   # a correct trainer unlucky with a spike gets a second, fresh measurement
SLOW_HINT = ("train_bpe가 너무 느립니다. 병합할 때마다 모든 단어의 쌍을 다시 세지 말고, 병합한 쌍이 든 "
             "단어만 찾아 쌍 빈도를 증분 갱신하세요(쌍 → 단어 색인). 같은 사전 토큰은 한 번만 두고 빈도를 곱하세요.")
WRONG_HINT = "속도는 병합 결과가 명세와 같을 때만 잽니다. 먼저 병합 결과를 맞추세요."


def _konlpy_text():
    return load_module_from(ROOT / "solutions" / "korean_text.py", "korean_text_05").load_konlpy_text()


def _timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


@pytest.mark.points(6)
def test_train_bpe_speed(student, ref):
    """konlpy 말뭉치 전체(헌법과 국회 의안, 약 6만 5천 자)에서 1,000번 병합을 참조 구현 시간의 10배 안에 끝내는지 잽니다."""
    text = _konlpy_text()
    vocab_size = 256 + MERGES
    # Speed counts only for a correct trainer; a cheap check first spares a long run of a wrong one.
    small = text[:3000]
    assert_equal([tuple(p) for p in student.train_bpe(small, 256 + 100)[1]], ref.train_bpe(small, 256 + 100)[1],
                 hint=WRONG_HINT)
    reference_s = float("inf")
    for _ in range(REFERENCE_RUNS):
        (_, want), seconds = _timed(lambda: ref.train_bpe(text, vocab_size))
        reference_s = min(reference_s, seconds)
    deadline = SLOWDOWN_ALLOWED * reference_s
    attempts = []
    for _ in range(STUDENT_TRIES):
        try:  # the worker stops the call at the deadline, so a slow trainer does not hold up grading
            got, elapsed = _timed(lambda: student.with_timeout(deadline).train_bpe(text, vocab_size))
        except CallTimeout:
            attempts.append(f"timed out at {deadline:.2f} s")
        else:
            assert_equal([tuple(p) for p in got[1]], want, hint=WRONG_HINT)
            attempts.append(f"{elapsed:.2f} s of {deadline:.2f} s")
            if elapsed <= deadline:
                return
    expect(False, SLOW_HINT, f"student {'; '.join(attempts)}; reference {reference_s:.3f} s")
