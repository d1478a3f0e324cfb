"""Buggy variants of solutions/04_scaling.py: every BUG_CATALOG "Scaling laws / few-shot" row, plus parameter-count slips.

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py), or its
whole new source where the mutant is built differently.
"""

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
        'fit_power_law': [
            ('b, log_a = np.polyfit(np.log(x), np.log(y), 1)', 'b, log_a = np.polyfit(x, np.log(y), 1)'),
        ],
    },
    # Scaling row 2: FLOPs per token wrong (2·N·D, forward pass only)
    'scaling-2-forward-only-flops': {
        'training_flops': [('return 6 * n_params * n_tokens', 'return 2 * n_params * n_tokens')],
    },
    # Scaling row 3: Chinchilla ratio misapplied (N = 20·D)
    'scaling-3-ratio-swapped': {
        'chinchilla_optimal': [('return n_params, 20 * n_params', 'return 20 * n_params, n_params')],
    },
    # Scaling row 3: Chinchilla without the 6 (C = N·D)
    'scaling-3-forgot-six': {
        'chinchilla_optimal': [('n_params = math.sqrt(compute / 120)', 'n_params = math.sqrt(compute / 20)')],
    },
    # Scaling row 4: shots shuffled (non-deterministic order)
    'scaling-4-shots-shuffled': {
        'few_shot_prompt': [
            ('in examples[:k])', "in __import__('random').sample(list(examples), len(examples))[:k])"),
        ],
    },
    # Scaling row 4: the last k examples instead of the first k
    'scaling-4-last-k': {
        'few_shot_prompt': [
            ('in examples[:k])', 'in examples[len(examples) - k:])'),
        ],
    },
    # Scaling row 4: the query is added among the demonstrations
    'scaling-4-query-in-demos': {
        'few_shot_prompt': [
            (r'    shots = "".join(f"Q: {question}\nA: {answer}\n\n" for question, answer in examples[:k])',
             '    shots = "".join(f"Q: {question}\\nA: {answer}\\n\\n" for question, answer in examples[:k])\n'
             r'    shots += f"Q: {query}\nA: \n\n"'),
        ],
    },
    # Scaling row 5: answer parsing takes the last line
    'scaling-5-last-line': {
        'parse_answer': [
            (r'first_line = completion.split("\n")[0].strip()',
             r'first_line = completion.strip().split("\n")[-1].strip()'),
        ],
    },
    # Scaling row 5: unparseable (empty) answer accepted as ''
    'scaling-5-empty-not-none': {
        'parse_answer': [('return first_line or None', 'return first_line')],
    },
    # extra: parameter count without the 4x MLP (8d² + 9d per layer)
    'scaling-x-params-no-mlp': {
        'gpt_params': [('per_layer = 12 * d * d + 13 * d', 'per_layer = 4 * d * d + 8 * d + 4 * d * d + d')],
    },
    # extra: parameter count with an untied output head
    'scaling-x-params-untied': {
        'gpt_params': [('embeddings = (vocab_size + n_ctx) * d', 'embeddings = (2 * vocab_size + n_ctx) * d')],
    },
    # extra: parameter count without position embeddings and final LayerNorm
    'scaling-x-params-no-positions': {
        'gpt_params': [
            ('    embeddings = (vocab_size + n_ctx) * d\n'
             '    final_norm = 2 * d',
             '    embeddings = vocab_size * d\n'
             '    final_norm = 0'),
        ],
    },
    # extra: power-law inputs not checked (a zero gives -inf, lengths are not compared)
    'scaling-x-fit-no-validation': {
        'fit_power_law': [('    if np.any(x <= 0) or np.any(y <= 0):\n'
                           '        raise ValueError("거듭제곱 법칙은 양수에만 맞출 수 있습니다 (0 이하의 값에는 로그가 없습니다).")\n', '')],
    },
    # extra: k larger than the examples repeats the last one
    'scaling-x-k-pads-with-last-example': {
        'few_shot_prompt': [('in examples[:k])', 'in [examples[min(i, len(examples) - 1)] for i in range(k)])')],
    },
    # extra: an empty first line skipped (the second line taken as the answer)
    'scaling-5-skips-empty-first-line': {
        'parse_answer': [(r'first_line = completion.split("\n")[0].strip()',
                          r'first_line = completion.strip().split("\n")[0].strip()')],
    },
    # extra: IsoFLOP parabola fitted in N instead of ln N
    'scaling-x-isoflop-linear-n': {
        'isoflop_minimum': [('x = np.log(np.asarray(n_params, dtype=float))', 'x = np.asarray(n_params, dtype=float)'),
                            ('return float(math.exp(x_best))', 'return float(x_best)')],
    },
    # extra: vertex without the factor 2
    'scaling-x-isoflop-vertex-factor': {
        'isoflop_minimum': [('x_best = -c1 / (2 * c2)', 'x_best = -c1 / c2')],
    },
    # extra: the lowest measured point instead of the parabola's vertex
    'scaling-x-isoflop-lowest-point': {
        'isoflop_minimum': [('    x_best = -c1 / (2 * c2)\n', '    x_best = x[np.argmin(y)]\n')],
    },
    # extra: the vertex clipped to the measured range
    'scaling-x-isoflop-clipped': {
        'isoflop_minimum': [('    x_best = -c1 / (2 * c2)\n', '    x_best = min(max(-c1 / (2 * c2), x.min()), x.max())\n')],
    },
    # extra: no error for a curve without a minimum
    'scaling-x-isoflop-no-concavity-check': {
        'isoflop_minimum': [('    if c2 <= 0:\n        raise ValueError("맞춘 포물선이 위로 볼록해서 최솟값이 없습니다 (c₂ ≤ 0).")\n', '')],
    },
    # extra: the caller's float array turned into logarithms in place (np.asarray returns the same array)
    'scaling-x-isoflop-in-place': {
        'isoflop_minimum': [('x = np.log(np.asarray(n_params, dtype=float))',
                             'x = np.asarray(n_params, dtype=float)\n    np.log(x, out=x)')],
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-linear-fit-last-line': ['scaling-1-fit-semilog', 'scaling-5-last-line'],
    'buggy-isoflop-lowest-point': ['scaling-x-isoflop-lowest-point', 'scaling-3-forgot-six'],
}

# Correct solutions written differently: each must keep full marks (tests/project/test_hidden_suites.py).
ALTERNATIVES = {
    # the count term by term, the least-squares line by its closed form, the square root as a power
    'alt-term-by-term-and-closed-form-fit': {
        'gpt_params': '''
def gpt_params(n_layer, d_model, vocab_size, n_ctx):
    d = d_model
    layer_norms = 2 * (d + d)
    attention = (d * 3 * d + 3 * d) + (d * d + d)
    mlp = (d * 4 * d + 4 * d) + (4 * d * d + d)
    return n_layer * (layer_norms + attention + mlp) + vocab_size * d + n_ctx * d + 2 * d
''',
        'fit_power_law': '''
def fit_power_law(x, y):
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("need two or more (x, y) pairs")
    if min(x) <= 0 or min(y) <= 0:
        raise ValueError("a power law needs positive values")
    lx = np.log(np.array([float(v) for v in x]))
    ly = np.log(np.array([float(v) for v in y]))
    b = np.sum((lx - lx.mean()) * (ly - ly.mean())) / np.sum((lx - lx.mean()) ** 2)
    return float(np.exp(ly.mean() - b * lx.mean())), float(b)
''',
        'chinchilla_optimal': '''
def chinchilla_optimal(compute):
    n = (compute / 120) ** 0.5
    return (n, 20 * n)
''',
    },
    # the prompt in a loop, the answer by splitlines, the vertex from numpy's Polynomial class
    'alt-loops-and-polynomial-class': {
        'few_shot_prompt': '''
def few_shot_prompt(examples, query, k):
    prompt = ""
    for question, answer in list(examples)[:max(k, 0)]:
        prompt += "Q: " + question + "\\nA: " + answer + "\\n\\n"
    return prompt + "Q: " + query + "\\nA:"
''',
        'parse_answer': '''
def parse_answer(completion):
    lines = completion.splitlines()
    answer = lines[0].strip() if lines else ""
    return answer if answer else None
''',
        'isoflop_minimum': '''
def isoflop_minimum(n_params, losses):
    n_params, losses = list(n_params), list(losses)
    if len(n_params) != len(losses) or len(n_params) < 3:
        raise ValueError("need three or more (N, loss) pairs")
    x = np.log(np.array(n_params, dtype=np.float64))
    c0, c1, c2 = np.polynomial.Polynomial.fit(x, np.array(losses, dtype=np.float64), 2).convert().coef
    if not c2 > 0:
        raise ValueError("the fitted parabola has no minimum")
    vertex = -c1 / (2 * c2)
    return float(np.exp(vertex)), float(c0 + c1 * vertex + c2 * vertex ** 2)
''',
    },
}
