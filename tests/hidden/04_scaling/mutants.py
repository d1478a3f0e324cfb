"""Buggy variants of solutions/04_scaling.py: every BUG_CATALOG "Scaling laws / few-shot" row, plus parameter-count slips."""

MUTANTS = {
    # Scaling row 1: power law fitted in linear space (least squares on y itself)
    'scaling-1-fit-linear-space': {
        'fit_power_law': r'''
def fit_power_law(x, y):
    """거듭제곱 법칙 y ≈ a · x^b 를 로그-로그 공간의 최소제곱으로 맞춥니다.

        ln y = ln a + b · ln x   →   (ln x, ln y)에 직선을 맞춘 기울기가 b, 절편이 ln a

    Args:
        x, y: 양수 배열 (같은 길이, 2개 이상).
    Returns:
        (a, b): 두 float.
    """
    from scipy.optimize import curve_fit
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    (a, b), _ = curve_fit(lambda t, a, b: a * (t / x[0]) ** b, x, y, p0=(y[0], -0.1), maxfev=20000)
    return float(a * x[0] ** -b), float(b)
''',
    },
    # Scaling row 1: semi-log fit (ln y against x, not ln x)
    'scaling-1-fit-semilog': {
        'fit_power_law': r'''
def fit_power_law(x, y):
    """거듭제곱 법칙 y ≈ a · x^b 를 로그-로그 공간의 최소제곱으로 맞춥니다.

        ln y = ln a + b · ln x   →   (ln x, ln y)에 직선을 맞춘 기울기가 b, 절편이 ln a

    Args:
        x, y: 양수 배열 (같은 길이, 2개 이상).
    Returns:
        (a, b): 두 float.
    """
    log_x = np.asarray(x, dtype=float)
    log_y = np.log(np.asarray(y, dtype=float))
    b, log_a = np.polyfit(log_x, log_y, 1)
    return float(math.exp(log_a)), float(b)
''',
    },
    # Scaling row 2: FLOPs per token wrong (2·N·D, forward pass only)
    'scaling-2-forward-only-flops': {
        'training_flops': r'''
def training_flops(n_params, n_tokens):
    """학습에 드는 연산량 C ≈ 6·N·D (FLOPs).

    토큰 하나당 순전파 ≈ 2N (곱하기와 더하기), 역전파 ≈ 4N 이므로 토큰당 6N, 토큰 D개면 6ND.
    """
    return 2 * n_params * n_tokens
''',
    },
    # Scaling row 3: Chinchilla ratio misapplied (N = 20·D)
    'scaling-3-ratio-swapped': {
        'chinchilla_optimal': r'''
def chinchilla_optimal(compute):
    """주어진 연산량 C에서 계산 최적(compute-optimal)인 파라미터 수 N과 토큰 수 D (Chinchilla 규칙).

        D = 20 · N,  C = 6 · N · D = 120 · N²   →   N = √(C / 120),  D = 20 · N

    Returns:
        (N, D): 두 float.
    """
    n_params = math.sqrt(compute / 120)
    return 20 * n_params, n_params
''',
    },
    # Scaling row 3: Chinchilla without the 6 (C = N·D)
    'scaling-3-forgot-six': {
        'chinchilla_optimal': r'''
def chinchilla_optimal(compute):
    """주어진 연산량 C에서 계산 최적(compute-optimal)인 파라미터 수 N과 토큰 수 D (Chinchilla 규칙).

        D = 20 · N,  C = 6 · N · D = 120 · N²   →   N = √(C / 120),  D = 20 · N

    Returns:
        (N, D): 두 float.
    """
    n_params = math.sqrt(compute / 20)
    return n_params, 20 * n_params
''',
    },
    # Scaling row 4: shots shuffled (non-deterministic order)
    'scaling-4-shots-shuffled': {
        'few_shot_prompt': r'''
def few_shot_prompt(examples, query, k):
    """퓨샷(few-shot) 프롬프트: 앞에서부터 k개의 (질문, 답) 예시 뒤에 풀 질문을 붙입니다.

    예시 하나는 "Q: {질문}\\nA: {답}\\n\\n", 마지막은 "Q: {query}\\nA:" (답 자리는 비워 둠).
    k = 0이면 예시 없이 질문만 있는 제로샷(zero-shot) 프롬프트입니다.
    """
    shots = "".join(f"Q: {question}\nA: {answer}\n\n" for question, answer in __import__('random').sample(list(examples), len(examples))[:k])
    return shots + f"Q: {query}\nA:"
''',
    },
    # Scaling row 4: the last k examples instead of the first k
    'scaling-4-last-k': {
        'few_shot_prompt': r'''
def few_shot_prompt(examples, query, k):
    """퓨샷(few-shot) 프롬프트: 앞에서부터 k개의 (질문, 답) 예시 뒤에 풀 질문을 붙입니다.

    예시 하나는 "Q: {질문}\\nA: {답}\\n\\n", 마지막은 "Q: {query}\\nA:" (답 자리는 비워 둠).
    k = 0이면 예시 없이 질문만 있는 제로샷(zero-shot) 프롬프트입니다.
    """
    shots = "".join(f"Q: {question}\nA: {answer}\n\n" for question, answer in examples[len(examples) - k:])
    return shots + f"Q: {query}\nA:"
''',
    },
    # Scaling row 4: the query is added among the demonstrations
    'scaling-4-query-in-demos': {
        'few_shot_prompt': r'''
def few_shot_prompt(examples, query, k):
    """퓨샷(few-shot) 프롬프트: 앞에서부터 k개의 (질문, 답) 예시 뒤에 풀 질문을 붙입니다.

    예시 하나는 "Q: {질문}\\nA: {답}\\n\\n", 마지막은 "Q: {query}\\nA:" (답 자리는 비워 둠).
    k = 0이면 예시 없이 질문만 있는 제로샷(zero-shot) 프롬프트입니다.
    """
    shots = "".join(f"Q: {question}\nA: {answer}\n\n" for question, answer in examples[:k])
    shots += f"Q: {query}\nA: \n\n"
    return shots + f"Q: {query}\nA:"
''',
    },
    # Scaling row 5: answer parsing takes the last line
    'scaling-5-last-line': {
        'parse_answer': r'''
def parse_answer(completion):
    """모델이 이어 쓴 글에서 답을 꺼냅니다: 첫 줄의 앞뒤 공백을 뗀 문자열, 비어 있으면 None.

    모델은 답 뒤에 "Q: ..."처럼 다음 예시를 계속 지어내곤 하므로 첫 줄만 답으로 봅니다.
    """
    first_line = completion.strip().split("\n")[-1].strip()
    return first_line or None
''',
    },
    # Scaling row 5: unparseable (empty) answer accepted as ''
    'scaling-5-empty-not-none': {
        'parse_answer': r'''
def parse_answer(completion):
    """모델이 이어 쓴 글에서 답을 꺼냅니다: 첫 줄의 앞뒤 공백을 뗀 문자열, 비어 있으면 None.

    모델은 답 뒤에 "Q: ..."처럼 다음 예시를 계속 지어내곤 하므로 첫 줄만 답으로 봅니다.
    """
    first_line = completion.split("\n")[0].strip()
    return first_line
''',
    },
    # extra: parameter count without the 4x MLP (8d² + 9d per layer)
    'scaling-x-params-no-mlp': {
        'gpt_params': r'''
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
    per_layer = 4 * d * d + 8 * d + 4 * d * d + d
    embeddings = (vocab_size + n_ctx) * d
    final_norm = 2 * d
    return n_layer * per_layer + embeddings + final_norm
''',
    },
    # extra: parameter count with an untied output head
    'scaling-x-params-untied': {
        'gpt_params': r'''
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
    embeddings = (2 * vocab_size + n_ctx) * d
    final_norm = 2 * d
    return n_layer * per_layer + embeddings + final_norm
''',
    },
    # extra: parameter count without position embeddings and final LayerNorm
    'scaling-x-params-no-positions': {
        'gpt_params': r'''
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
    embeddings = vocab_size * d
    final_norm = 0
    return n_layer * per_layer + embeddings + final_norm
''',
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-linear-fit-last-line': ['scaling-1-fit-semilog', 'scaling-5-last-line'],
}
