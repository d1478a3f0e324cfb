"""Hidden suite for 04_scaling (100 points)."""
import numpy as np
import pytest

from grader.checks import assert_close, assert_equal, expect, student_raises


def _pair(value, name):
    expect(isinstance(value, (tuple, list)) and len(value) == 2, f"{name}은(는) 값 두 개의 튜플을 반환해야 합니다.")
    return float(value[0]), float(value[1])


# ---------------------------------------------------------------- parameter count
@pytest.mark.cell("test_gpt_params")
@pytest.mark.points(5)
def test_gpt3_175b(student):
    """GPT-3 175B 설정(96층, d=12288, V=50257, 문맥 2048)의 파라미터 수가 정확해야 합니다 (≈ 1,750억)."""
    got = student.gpt_params(96, 12288, 50257, 2048)
    assert_close(got, 174_604_259_328, atol=0.5,
                 hint="GPT-3 설정의 파라미터 수가 다릅니다. 층마다 12d² + 13d인지(qkv, 출력 투영, 4배 MLP, "
                      "LayerNorm 2개와 모든 편향), 임베딩은 공유해 한 번만 셌는지 확인하세요.")


@pytest.mark.cell("test_gpt_params")
@pytest.mark.points(5)
def test_gpt2_small(student):
    """GPT-2 small(12층, d=768, V=50257, 문맥 1024)은 124,439,808개여야 합니다."""
    assert_close(student.gpt_params(12, 768, 50257, 1024), 124_439_808, atol=0.5,
                 hint="GPT-2 small의 파라미터 수가 다릅니다. 토큰·위치 임베딩, 층마다 12d² + 13d, 마지막 LayerNorm을 모두 셉니다.")


@pytest.mark.cell("test_gpt_params")
@pytest.mark.points(5)
def test_small_config(student, ref):
    """작은 설정에서도 각 항(층, 임베딩, 마지막 LayerNorm)이 정확해야 합니다."""
    for config in [(3, 16, 50, 7), (1, 4, 9, 2), (0, 6, 5, 3)]:
        got = student.gpt_params(*config)
        assert_close(got, ref.gpt_params(*config), atol=0.5,
                     hint="작은 설정의 파라미터 수가 다릅니다. 층 수, d², d, 어휘·문맥 길이 항을 하나씩 확인하세요.")


# ---------------------------------------------------------------- training FLOPs
@pytest.mark.cell("test_training_flops")
@pytest.mark.points(5)
def test_training_flops_published(student):
    """GPT-3(1,750억 파라미터, 3,000억 토큰)와 Chinchilla(700억, 1.4조)의 학습 연산량 6·N·D."""
    assert_close(student.training_flops(175e9, 300e9), 3.15e23, rtol=1e-9,
                 hint="학습 연산량은 6·N·D입니다 (순전파 2N + 역전파 4N, 토큰마다).")
    assert_close(student.training_flops(70e9, 1.4e12), 5.88e23, rtol=1e-9,
                 hint="학습 연산량은 6·N·D입니다.")


@pytest.mark.cell("test_training_flops")
@pytest.mark.points(3)
def test_training_flops_small(student):
    """작은 정수에서도 6·N·D여야 합니다."""
    assert_close(student.training_flops(3, 5), 90, rtol=1e-12, hint="6·N·D를 확인하세요 (예: N=3, D=5이면 90).")


# ---------------------------------------------------------------- power-law fit
@pytest.mark.cell("test_fit_power_law")
@pytest.mark.points(5)
def test_fit_power_law_exact(student):
    """잡음 없는 L = 3·N^-0.076에서 a = 3, b = -0.076을 정확히 되찾아야 합니다."""
    n = np.logspace(6, 11, 9)
    a, b = _pair(student.fit_power_law(n, 3.0 * n ** -0.076), "fit_power_law")
    assert_close(b, -0.076, atol=1e-6, hint="지수 b가 다릅니다. ln y = ln a + b·ln x에 직선을 맞추세요.")
    assert_close(a, 3.0, rtol=1e-6, hint="계수 a가 다릅니다. 절편은 ln a이므로 exp를 취해야 합니다.")


@pytest.mark.cell("test_fit_power_law")
@pytest.mark.points(6)
def test_fit_power_law_noisy_in_log_space(student, ref, rng):
    """잡음이 있는 데이터에서는 로그-로그 공간의 최소제곱 해와 같아야 합니다."""
    for scale, exponent in [(3.0, -0.076), (0.5, 0.7)]:
        x = np.logspace(5, 10, 12)
        y = scale * x ** exponent * np.exp(rng.normal(0, 0.2, 12))
        got = _pair(student.fit_power_law(x, y), "fit_power_law")
        assert_close(got, ref.fit_power_law(x, y), rtol=1e-6,
                     hint="잡음이 있는 데이터의 맞춤 결과가 다릅니다. 원래 값이 아니라 (ln x, ln y)에서 "
                          "최소제곱으로 직선을 맞추세요.")


# ---------------------------------------------------------------- Chinchilla
@pytest.mark.cell("test_chinchilla_optimal")
@pytest.mark.points(7)
def test_chinchilla_published(student):
    """Chinchilla의 연산량(6 · 700억 · 1.4조)에서는 N = 700억, D = 1.4조여야 합니다."""
    n, d = _pair(student.chinchilla_optimal(5.88e23), "chinchilla_optimal")
    assert_close((n, d), (70e9, 1.4e12), rtol=1e-9,
                 hint="계산 최적 N, D가 다릅니다. D = 20·N과 C = 6·N·D를 함께 풀면 N = √(C/120)입니다.")


@pytest.mark.cell("test_chinchilla_optimal")
@pytest.mark.points(6)
def test_chinchilla_invariants(student, rng):
    """어떤 연산량에서도 D = 20·N이고 6·N·D = C여야 합니다."""
    for compute in 10 ** rng.uniform(15, 26, 4):
        n, d = _pair(student.chinchilla_optimal(float(compute)), "chinchilla_optimal")
        assert_close(d, 20 * n, rtol=1e-9, hint="토큰 수는 파라미터 수의 20배(D = 20·N)여야 합니다.")
        assert_close(6 * n * d, compute, rtol=1e-9, hint="6·N·D가 주어진 연산량 C와 같아야 합니다.")


# ---------------------------------------------------------------- few-shot prompt
EXAMPLES = [("2 + 3 = ?", "5"), ("한국의 수도는?", "서울"), ("7 × 6 = ?", "42"), ("물의 화학식은?", "H2O")]


@pytest.mark.cell("test_few_shot_prompt")
@pytest.mark.points(6)
def test_few_shot_prompt_exact(student):
    """k개 예시를 앞에서부터 순서대로, 정해진 형식으로 넣고 질문을 붙여야 합니다."""
    got = student.few_shot_prompt(EXAMPLES, "프랑스의 수도는?", 2)
    want = "Q: 2 + 3 = ?\nA: 5\n\nQ: 한국의 수도는?\nA: 서울\n\nQ: 프랑스의 수도는?\nA:"
    assert_equal(got, want, hint="프롬프트 문자열이 다릅니다. 앞에서부터 k개 예시를 순서대로 "
                                 "\"Q: …\\nA: …\\n\\n\" 형식으로 넣고, 끝에 \"Q: {질문}\\nA:\"를 붙이세요.")
    expect(student.few_shot_prompt(EXAMPLES, "프랑스의 수도는?", 2) == want,
           "같은 입력에 다른 프롬프트가 나옵니다. 예시를 섞지 마세요.")


@pytest.mark.cell("test_few_shot_prompt")
@pytest.mark.points(3)
def test_zero_shot(student):
    """k = 0이면 예시 없이 질문만 있어야 합니다."""
    assert_equal(student.few_shot_prompt(EXAMPLES, "1 + 1 = ?", 0), "Q: 1 + 1 = ?\nA:",
                 hint="k = 0이면 예시 없이 \"Q: {질문}\\nA:\"만 반환하세요.")


@pytest.mark.cell("test_few_shot_prompt")
@pytest.mark.points(3)
def test_few_shot_all_examples(student, ref):
    """k가 예시 수와 같으면 예시를 모두 순서대로 넣고, 질문은 맨 끝에만 넣는지 확인합니다."""
    got = student.few_shot_prompt(EXAMPLES, "8 - 3 = ?", 4)
    assert_equal(got, ref.few_shot_prompt(EXAMPLES, "8 - 3 = ?", 4),
                 hint="예시를 모두 넣은 프롬프트가 다릅니다. 순서와 구분자(빈 줄)를 확인하세요.")
    expect(isinstance(got, str) and got.count("8 - 3 = ?") == 1,
           "풀 질문이 예시 안에도 들어갔습니다. 질문은 맨 끝에 한 번만 넣으세요.")


# ---------------------------------------------------------------- answer parsing
@pytest.mark.cell("test_parse_answer")
@pytest.mark.points(4)
def test_parse_answer_first_line(student):
    """모델이 다음 예시를 지어내도 첫 줄만 답으로 꺼내야 합니다."""
    assert_equal(student.parse_answer(" 72\nQ: 9 × 9 = ?\nA: 81"), "72",
                 hint="답은 완성문의 첫 줄입니다 (마지막 줄이나 전체가 아닙니다).")
    assert_equal(student.parse_answer(" 서울\n\nQ: 일본의 수도는?\nA: 도쿄\n"), "서울",
                 hint="답은 완성문의 첫 줄입니다.")


@pytest.mark.cell("test_parse_answer")
@pytest.mark.points(2)
def test_parse_answer_strips(student):
    """첫 줄의 앞뒤 공백을 떼야 합니다."""
    assert_equal(student.parse_answer("   H2O  \t"), "H2O", hint="첫 줄의 앞뒤 공백을 strip()으로 떼세요.")


@pytest.mark.cell("test_parse_answer")
@pytest.mark.points(3)
def test_parse_answer_empty_is_none(student):
    """답이 비어 있으면 빈 문자열이 아니라 None이어야 합니다."""
    expect(student.parse_answer("") is None and student.parse_answer("   ") is None,
           "비어 있는 답은 None으로 돌려주세요 (빈 문자열이 아니라).")


# ---------------------------------------------------------------- input checks and edges the notebook states
@pytest.mark.cell("test_fit_power_law")
@pytest.mark.points(4)
def test_fit_power_law_rejects_what_has_no_logarithm(student):
    """길이가 다른 x, y, 점 하나, 0이나 음수가 있는 입력에 ValueError가 나는지 확인합니다."""
    for x, y in [([1.0, 10.0, 100.0], [3.0, 2.0]), ([5.0], [1.0]), ([1.0, 10.0, 100.0], [2.0, 1.0, 0.0]),
                 ([0.0, 10.0, 100.0], [3.0, 2.0, 1.0]), ([1.0, -10.0, 100.0], [3.0, 2.0, 1.0])]:
        with student_raises(ValueError, hint="길이가 다르거나, 점이 2개보다 적거나, 0 이하의 값이 있으면 ValueError를 "
                                             "내세요 (로그를 취할 수 없습니다)."):
            student.fit_power_law(x, y)


@pytest.mark.cell("test_fit_power_law")
@pytest.mark.points(2)
def test_fit_power_law_takes_integer_lists_and_leaves_them(student):
    """파이썬 정수 리스트(int64를 넘는 10²⁴ 같은 큰 정수 포함)를 받아도 맞추고, 호출한 쪽의 리스트를 바꾸지 않는지 확인합니다."""
    x = [10 ** k for k in range(3, 25, 3)]           # like FLOPs from integer N and D: past int64 from 10^21 on
    y = [7 * v ** 2 for v in x]
    got, args, _ = student.call_with_args("fit_power_law", x, y)
    assert_close(_pair(got, "fit_power_law"), (7.0, 2.0), rtol=1e-6,
                 hint="정수 리스트에서 y = 7·x² 의 (7, 2)를 되찾지 못했습니다. 큰 정수도 float 배열로 바꾼 뒤 "
                      "(np.asarray(x, dtype=float)) 로그를 취하세요.")
    expect(list(args[0]) == x and list(args[1]) == y, "입력 리스트가 바뀌었습니다. 새 배열을 만들어 쓰세요.")


@pytest.mark.cell("test_fit_power_law")
@pytest.mark.points(3)
def test_fit_power_law_two_points_and_values_below_one(student):
    """점이 딱 2개여도, 1보다 작은 양수가 있어도 그 점들을 지나는 a·x^b를 맞추는지 확인합니다."""
    a, b = _pair(student.fit_power_law([2.0, 8.0], [3.0 * 2 ** 0.5, 3.0 * 8 ** 0.5]), "fit_power_law")
    assert_close((a, b), (3.0, 0.5), rtol=1e-9,
                 hint="점이 2개면 두 점을 지나는 직선(로그-로그)이 하나로 정해집니다. 점이 2개 이상이면 맞추세요.")
    x = np.array([0.01, 0.1, 0.5, 1.0, 3.0])
    a, b = _pair(student.fit_power_law(x, 0.2 * x ** 1.5), "fit_power_law")
    assert_close((a, b), (0.2, 1.5), rtol=1e-9,
                 hint="1보다 작은 양수에도 로그가 있습니다 (음수일 뿐). 0 이하의 값만 ValueError입니다.")


@pytest.mark.cell("test_few_shot_prompt")
@pytest.mark.points(2)
def test_few_shot_k_larger_than_examples(student):
    """k가 예시 수보다 크면 예시를 모두 넣는지 확인합니다."""
    got = student.few_shot_prompt(EXAMPLES[:2], "1 + 1 = ?", 10)
    assert_equal(got, "Q: 2 + 3 = ?\nA: 5\n\nQ: 한국의 수도는?\nA: 서울\n\nQ: 1 + 1 = ?\nA:",
                 hint="k가 예시 수보다 크면 있는 예시를 모두 순서대로 넣으세요.")


@pytest.mark.cell("test_parse_answer")
@pytest.mark.points(3)
def test_parse_answer_empty_first_line(student):
    """완성문이 줄바꿈으로 시작해 첫 줄이 비어 있으면 둘째 줄이 아니라 None인지 확인합니다."""
    expect(student.parse_answer("\n파리\nQ: 다음") is None and student.parse_answer("  \n 42") is None,
           "첫 줄이 비어 있으면 답을 못 꺼낸 것입니다 (None). 둘째 줄로 넘어가지 마세요.")


# ---------------------------------------------------------------- IsoFLOP minimum
ISO = pytest.mark.cell("test_isoflop_minimum")


@ISO
@pytest.mark.points(5)
def test_isoflop_minimum_of_an_exact_parabola(student):
    """고르지 않은 간격의 점이 L = 0.3·(ln N − ln 2·10⁴)² + 3.5 위에 있으면 (2·10⁴, 3.5)를 찾는지 확인합니다."""
    n = np.array([3e3, 7e3, 2.5e4, 9e4, 4e5])
    loss = 0.3 * (np.log(n) - np.log(2e4)) ** 2 + 3.5
    assert_close(_pair(student.isoflop_minimum(n, loss), "isoflop_minimum"), (2e4, 3.5), rtol=1e-6,
                 hint="최솟값이 다릅니다. x = ln N에 포물선을 맞추고 꼭짓점 x* = -c₁/(2c₂)에서 N = exp(x*), "
                      "L = 그 점의 포물선 값을 돌려주세요 (측정한 점 중 가장 낮은 점이 아닙니다).")


@ISO
@pytest.mark.points(5)
def test_isoflop_minimum_is_the_least_squares_vertex(student, ref, rng):
    """잡음 있는 점 6개에서 ln N에 대한 최소제곱 포물선의 꼭짓점과 같은지 확인합니다 (정수 리스트 입력)."""
    n = [2_000, 5_000, 11_000, 30_000, 80_000, 150_000]
    loss = list(0.25 * (np.log(n) - np.log(25_000)) ** 2 + 4 + rng.normal(0, 0.02, 6))
    assert_close(_pair(student.isoflop_minimum(n, loss), "isoflop_minimum"), ref.isoflop_minimum(n, loss),
                 rtol=1e-6, hint="잡음이 있는 점에서 결과가 다릅니다. np.polyfit(np.log(N), L, 2)로 세 계수를 모두 "
                                 "최소제곱으로 맞추세요.")


@ISO
@pytest.mark.points(3)
def test_isoflop_minimum_may_lie_outside_the_points(student, ref):
    """꼭짓점이 측정한 크기 범위 밖에 있어도 (외삽) 그대로 돌려주는지 확인합니다."""
    n = np.array([1e4, 3e4, 1e5, 3e5])
    loss = 0.2 * (np.log(n) - np.log(2e3)) ** 2 + 3.0
    assert_close(_pair(student.isoflop_minimum(n, loss), "isoflop_minimum"), (2e3, 3.0), rtol=1e-6,
                 hint="꼭짓점이 범위 밖이어도 가장자리 점으로 바꾸지 말고 포물선의 꼭짓점을 그대로 돌려주세요.")


@ISO
@pytest.mark.points(3)
def test_isoflop_minimum_rejects_curves_without_a_minimum(student):
    """점이 3개보다 적거나, 길이가 다르거나, 위로 볼록한 포물선이면 ValueError가 나는지 확인합니다."""
    for n, loss in [([1e3, 1e4], [2.0, 1.0]), ([1e3, 1e4], [1.0, 2.0]), ([1e3, 1e4, 1e5], [2.0, 1.0]),
                    ([1e3, 1e4, 1e5, 1e6], [1.0, 2.0, 2.1, 1.2])]:
        with student_raises(ValueError, hint="점이 3개보다 적거나 길이가 다르거나, 맞춘 포물선이 위로 볼록(c₂ ≤ 0)해서 "
                                             "최솟값이 없으면 ValueError를 내세요."):
            student.isoflop_minimum(n, loss)


@ISO
@pytest.mark.points(2)
def test_isoflop_minimum_leaves_the_inputs(student):
    """호출한 쪽의 numpy 배열을 바꾸지 않는지 확인합니다."""
    n = np.array([1e3, 1e4, 1e5])
    loss = np.array([5.0, 4.0, 4.5])
    _, args, _ = student.call_with_args("isoflop_minimum", n, loss)
    expect(np.array_equal(np.asarray(args[0]), [1e3, 1e4, 1e5]) and np.array_equal(np.asarray(args[1]), [5.0, 4.0, 4.5]),
           "입력 배열이 바뀌었습니다. 로그는 새 배열에 취하세요 (np.log(n), 제자리 연산 없이).")
