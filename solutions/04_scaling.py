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
        x, y: 양수 배열 (같은 길이, 2개 이상).
    Returns:
        (a, b): 두 float.
    """
    log_x = np.log(np.asarray(x, dtype=float))
    log_y = np.log(np.asarray(y, dtype=float))
    b, log_a = np.polyfit(log_x, log_y, 1)
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
    k = 0이면 예시 없이 질문만 있는 제로샷(zero-shot) 프롬프트입니다.
    """
    shots = "".join(f"Q: {question}\nA: {answer}\n\n" for question, answer in examples[:k])
    return shots + f"Q: {query}\nA:"


def parse_answer(completion):
    """모델이 이어 쓴 글에서 답을 꺼냅니다: 첫 줄의 앞뒤 공백을 뗀 문자열, 비어 있으면 None.

    모델은 답 뒤에 "Q: ..."처럼 다음 예시를 계속 지어내곤 하므로 첫 줄만 답으로 봅니다.
    """
    first_line = completion.split("\n")[0].strip()
    return first_line or None
