"""04_scaling: 파라미터 수, 학습 FLOPs, 스케일링 법칙, Chinchilla, 퓨샷 프롬프트 (참조 답안)."""
from __future__ import annotations

import math

import numpy as np


def gpt_params(n_layer, d_model, vocab_size, n_ctx):
    """GPT-2 방식 디코더의 파라미터 수 (입력·출력 임베딩 공유, 모든 선형층에 편향).

    층 하나 (d = d_model):
        LayerNorm 2개            2 · 2d
        어텐션 qkv 투영           d·3d + 3d
        어텐션 출력 투영          d·d + d
        MLP (d → 4d → d)        d·4d + 4d + 4d·d + d
        합계                     12d² + 13d
    전체 = n_layer · (12d² + 13d) + (vocab_size + n_ctx) · d (토큰·위치 임베딩) + 2d (마지막 LayerNorm)

    Returns: int
    """
    d = d_model
    per_layer = 12 * d * d + 13 * d
    embeddings = (vocab_size + n_ctx) * d
    final_norm = 2 * d
    return n_layer * per_layer + embeddings + final_norm


def training_flops(n_params, n_tokens):
    """학습에 드는 연산량 C ≈ 6·N·D (FLOPs).

    토큰 하나당 순전파 ≈ 2N (곱하기와 더하기), 역전파 ≈ 4N 이므로 토큰당 6N, 토큰 D개면 6ND.
    """
    return 6 * n_params * n_tokens


def fit_power_law(x, y):
    """거듭제곱 법칙 y ≈ a · x^b 를 로그-로그 공간의 최소제곱으로 맞춥니다.

        ln y = ln a + b · ln x   →   (ln x, ln y)에 직선을 맞춘 기울기가 b, 절편이 ln a

    Args:
        x, y: 양수의 1차원 배열이나 리스트 (같은 길이, 2개 이상).
    Returns:
        (a, b): 두 float.
    Raises:
        ValueError: 길이가 다르거나, 점이 2개보다 적거나, 0 이하의 값이 있을 때 (로그를 취할 수 없음).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
        raise ValueError("x와 y는 길이가 같은 1차원 배열이고, 점이 2개 이상이어야 합니다.")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("거듭제곱 법칙은 양수에만 맞출 수 있습니다 (0 이하의 값에는 로그가 없습니다).")
    b, log_a = np.polyfit(np.log(x), np.log(y), 1)
    return float(math.exp(log_a)), float(b)


def chinchilla_optimal(compute):
    """주어진 연산량 C에서 계산 최적(compute-optimal)인 파라미터 수 N과 토큰 수 D (Chinchilla 규칙).

        D = 20 · N,  C = 6 · N · D = 120 · N²   →   N = √(C / 120),  D = 20 · N

    Returns:
        (N, D): 두 float.
    """
    n_params = math.sqrt(compute / 120)
    return n_params, 20 * n_params


def few_shot_prompt(examples, query, k):
    """퓨샷(few-shot) 프롬프트: 앞에서부터 k개의 (질문, 답) 예시 뒤에 풀 질문을 붙입니다.

    예시 하나는 "Q: {질문}\\nA: {답}\\n\\n", 마지막은 "Q: {query}\\nA:" (답 자리는 비워 둠).
    k = 0이면 예시 없이 질문만 있는 제로샷(zero-shot) 프롬프트이고, k가 예시 수보다 크면 예시를 모두 넣습니다.
    """
    shots = "".join(f"Q: {question}\nA: {answer}\n\n" for question, answer in examples[:k])
    return shots + f"Q: {query}\nA:"


def parse_answer(completion):
    """모델이 이어 쓴 글에서 답을 꺼냅니다: 첫 줄의 앞뒤 공백을 뗀 문자열, 비어 있으면 None.

    모델은 답 뒤에 "Q: ..."처럼 다음 예시를 계속 지어내곤 하므로 첫 줄만 답으로 봅니다.
    완성문이 줄바꿈으로 시작하면(첫 줄이 비어 있으면) 답을 못 꺼낸 것이므로 None입니다.
    """
    first_line = completion.split("\n")[0].strip()
    return first_line or None


def isoflop_minimum(n_params, losses):
    """같은 연산량(IsoFLOP)으로 학습한 여러 크기의 손실에서, 손실이 가장 낮은 모델 크기를 찾습니다.

    x = ln N에 대해 포물선 L ≈ c₂x² + c₁x + c₀을 최소제곱으로 맞추고 (np.polyfit(x, L, 2)), 꼭짓점
        x* = -c₁ / (2c₂),   N_opt = exp(x*),   L_opt = c₂x*² + c₁x* + c₀
    을 돌려줍니다. 측정한 크기 범위 밖의 꼭짓점도 그대로 돌려줍니다 (외삽).

    Args:
        n_params, losses: 같은 길이의 양수 배열 (3개 이상).
    Returns:
        (N_opt, L_opt): 두 float.
    Raises:
        ValueError: 점이 3개보다 적거나, 포물선이 아래로 볼록하지 않을 때 (c₂ ≤ 0: 최솟값이 없음).
    """
    x = np.log(np.asarray(n_params, dtype=float))
    y = np.asarray(losses, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 3:
        raise ValueError("n_params와 losses는 길이가 같은 1차원 배열이고, 점이 3개 이상이어야 합니다.")
    c2, c1, c0 = np.polyfit(x, y, 2)
    if c2 <= 0:
        raise ValueError("맞춘 포물선이 위로 볼록해서 최솟값이 없습니다 (c₂ ≤ 0).")
    x_best = -c1 / (2 * c2)
    return float(math.exp(x_best)), float(c2 * x_best ** 2 + c1 * x_best + c0)


def read_scaling_runs(path="scaling_runs.csv"):
    """scripts/scaling_runs.py가 저장한 측정값을 읽습니다 (주어진 코드).

    '#'로 시작하는 머리 줄(명령, 시드, 데이터, 설정)은 건너뛰고, 나머지 CSV 행을 열 이름 → 값의 딕셔너리로 돌려줍니다.
    숫자 열은 int 또는 float, 빈 budget 칸은 None입니다.
    """
    import csv

    rows = []
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            rows.append({key: (None if value == "" else float(value) if key in ("flops", "budget", "loss", "seconds")
                               else int(value)) for key, value in row.items()})
    return rows
