"""05 토큰화 — train_bpe의 속도 (증분 갱신). 느린 제출이 뒤 테스트를 막지 않도록 파일 이름순으로 마지막에 둡니다."""
import time

import pytest

from grader.assignments import ROOT, load_module_from
from grader.checks import HintedFailure, assert_equal, expect
from grader.errors import CallTimeout

pytestmark = pytest.mark.cell("test_train_bpe")

# The student's trainer may take this many times the reference's time (measured in the same test,
# so a loaded machine slows both). A recount-everything trainer is 20-40x slower on this corpus.
SLOWDOWN_ALLOWED = 10.0
FLOOR_S = 3.0
SLOW_HINT = ("train_bpe가 너무 느립니다. 병합할 때마다 모든 단어의 쌍을 다시 세지 말고, 병합한 쌍이 든 "
             "단어만 찾아 쌍 빈도를 증분 갱신하세요(쌍 → 단어 색인). 같은 사전 토큰은 한 번만 두고 빈도를 곱하세요.")


def _konlpy_text(corpora=("kolaw",)):
    return load_module_from(ROOT / "solutions" / "korean_text.py", "korean_text_05").load_konlpy_text(corpora)


@pytest.mark.points(6)
def test_train_bpe_speed(student, ref):
    """konlpy 헌법 전문(약 1만 9천 자)에서 400번 병합을 참조 구현 시간의 10배 안에 끝내야 합니다."""
    text = _konlpy_text()
    vocab_size = 256 + 400
    # Speed counts only for a correct trainer; a cheap check first spares a long run of a wrong one.
    small = text[:3000]
    assert_equal([tuple(p) for p in student.train_bpe(small, 256 + 100)[1]], ref.train_bpe(small, 256 + 100)[1],
                 hint="속도는 병합 결과가 명세와 같을 때만 잽니다. 먼저 병합 결과를 맞추세요.")
    ref_times = []
    for _ in range(2):
        start = time.perf_counter()
        want = ref.train_bpe(text, vocab_size)
        ref_times.append(time.perf_counter() - start)
    deadline = max(SLOWDOWN_ALLOWED * min(ref_times), FLOOR_S)
    start = time.perf_counter()
    try:  # the worker stops a call at twice the deadline, so a slow trainer does not hold up grading
        got = student.with_timeout(2 * deadline).train_bpe(text, vocab_size)
    except CallTimeout:
        raise HintedFailure(SLOW_HINT, f"timed out at {2 * deadline:.1f} s") from None
    elapsed = time.perf_counter() - start
    assert_equal([tuple(p) for p in got[1]], want[1],
                 hint="속도는 병합 결과가 명세와 같을 때만 잽니다. 먼저 병합 결과를 맞추세요.")
    expect(elapsed <= deadline, SLOW_HINT,
           f"student {elapsed:.2f} s, deadline {deadline:.2f} s, reference {min(ref_times):.3f} s")
