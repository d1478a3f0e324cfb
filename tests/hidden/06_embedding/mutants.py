"""Buggy variants of the 06 reference for the BUG_CATALOG "Embeddings and positional encodings" rows.

Rows 4 (positions added along the batch axis) and 8 (weight tying by copy) live in MiniGPT and are
mutants of 08_transformer_block. Row 7 (RoPE inside multi-head attention) is outside the fixed API:
MultiHeadSelfAttention has no RoPE.
"""

MUTANTS = {
    'emb-01-sinusoid-exponent-i-over-d': {
        'sinusoidal_positions': '''
def sinusoidal_positions(t, d):
    """사인파 위치 인코딩 (Transformer, 2017): (t, d) 텐서.

    PE[p, 2i]   = sin(p / 10000^(2i/d))
    PE[p, 2i+1] = cos(p / 10000^(2i/d))        p = 0..t-1,  i = 0..d/2-1  (d는 짝수)
    사인과 코사인은 번갈아(interleaved) 놓입니다: 첫 행(p = 0)은 [0, 1, 0, 1, …].
    """
    positions = torch.arange(t, dtype=torch.float64)[:, None]        # (t, 1)
    exponents = torch.arange(0, d // 2, dtype=torch.float64) / d        # 2i/d, (d/2,)
    angles = positions / 10000.0 ** exponents                          # (t, d/2)
    pe = torch.zeros(t, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles)
    return pe.float()
''',
    },
    'emb-02-sin-cos-concatenated': {
        'sinusoidal_positions': '''
def sinusoidal_positions(t, d):
    """사인파 위치 인코딩 (Transformer, 2017): (t, d) 텐서.

    PE[p, 2i]   = sin(p / 10000^(2i/d))
    PE[p, 2i+1] = cos(p / 10000^(2i/d))        p = 0..t-1,  i = 0..d/2-1  (d는 짝수)
    사인과 코사인은 번갈아(interleaved) 놓입니다: 첫 행(p = 0)은 [0, 1, 0, 1, …].
    """
    positions = torch.arange(t, dtype=torch.float64)[:, None]        # (t, 1)
    exponents = torch.arange(0, d, 2, dtype=torch.float64) / d        # 2i/d, (d/2,)
    angles = positions / 10000.0 ** exponents                          # (t, d/2)
    pe = torch.zeros(t, d, dtype=torch.float64)
    pe[:, : d // 2] = torch.sin(angles)
    pe[:, d // 2 :] = torch.cos(angles)
    return pe.float()
''',
    },
    'emb-03-positions-start-at-1': {
        'sinusoidal_positions': '''
def sinusoidal_positions(t, d):
    """사인파 위치 인코딩 (Transformer, 2017): (t, d) 텐서.

    PE[p, 2i]   = sin(p / 10000^(2i/d))
    PE[p, 2i+1] = cos(p / 10000^(2i/d))        p = 0..t-1,  i = 0..d/2-1  (d는 짝수)
    사인과 코사인은 번갈아(interleaved) 놓입니다: 첫 행(p = 0)은 [0, 1, 0, 1, …].
    """
    positions = torch.arange(1, t + 1, dtype=torch.float64)[:, None]        # (t, 1)
    exponents = torch.arange(0, d, 2, dtype=torch.float64) / d        # 2i/d, (d/2,)
    angles = positions / 10000.0 ** exponents                          # (t, d/2)
    pe = torch.zeros(t, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles)
    return pe.float()
''',
    },
    'emb-05-rope-half-split': {
        'apply_rope': '''
def apply_rope(x, positions, theta=10000.0):
    """회전 위치 임베딩 (RoPE): 이웃한 두 성분 (x_2i, x_2i+1)을 평면 위에서 회전합니다.

    각도 φ = p · θ^(-2i/d)   (p = 그 토큰의 위치, i = 0..d/2-1)
    x'_2i   = x_2i · cos φ − x_2i+1 · sin φ
    x'_2i+1 = x_2i · sin φ + x_2i+1 · cos φ

    x: (..., T, d) (d는 짝수), positions: 길이 T의 정수 위치(연속이 아니어도 됨) 또는
    x.shape[:-1]로 브로드캐스트되는 위치 → x와 같은 모양.
    회전이라 벡터의 길이는 그대로이고, ⟨R_m q, R_n k⟩는 m − n에만 의존합니다.
    """
    d = x.shape[-1]
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)        # (d/2,)
    angles = torch.as_tensor(positions, dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    even, odd = x[..., : d // 2], x[..., d // 2 :]
    out = torch.empty_like(x)
    out[..., : d // 2] = even * cos - odd * sin
    out[..., d // 2 :] = even * sin + odd * cos
    return out
''',
    },
    'emb-06-rope-frequency-2k-minus-1': {
        'apply_rope': '''
def apply_rope(x, positions, theta=10000.0):
    """회전 위치 임베딩 (RoPE): 이웃한 두 성분 (x_2i, x_2i+1)을 평면 위에서 회전합니다.

    각도 φ = p · θ^(-2i/d)   (p = 그 토큰의 위치, i = 0..d/2-1)
    x'_2i   = x_2i · cos φ − x_2i+1 · sin φ
    x'_2i+1 = x_2i · sin φ + x_2i+1 · cos φ

    x: (..., T, d) (d는 짝수), positions: 길이 T의 정수 위치(연속이 아니어도 됨) 또는
    x.shape[:-1]로 브로드캐스트되는 위치 → x와 같은 모양.
    회전이라 벡터의 길이는 그대로이고, ⟨R_m q, R_n k⟩는 m − n에만 의존합니다.
    """
    d = x.shape[-1]
    freqs = theta ** (-(2 * torch.arange(1, d // 2 + 1, dtype=torch.float64) - 1) / d)        # (d/2,)
    angles = torch.as_tensor(positions, dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out
''',
    },
    'emb-06-rope-positions-ignored': {
        'apply_rope': '''
def apply_rope(x, positions, theta=10000.0):
    """회전 위치 임베딩 (RoPE): 이웃한 두 성분 (x_2i, x_2i+1)을 평면 위에서 회전합니다.

    각도 φ = p · θ^(-2i/d)   (p = 그 토큰의 위치, i = 0..d/2-1)
    x'_2i   = x_2i · cos φ − x_2i+1 · sin φ
    x'_2i+1 = x_2i · sin φ + x_2i+1 · cos φ

    x: (..., T, d) (d는 짝수), positions: 길이 T의 정수 위치(연속이 아니어도 됨) 또는
    x.shape[:-1]로 브로드캐스트되는 위치 → x와 같은 모양.
    회전이라 벡터의 길이는 그대로이고, ⟨R_m q, R_n k⟩는 m − n에만 의존합니다.
    """
    d = x.shape[-1]
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)        # (d/2,)
    angles = torch.arange(x.shape[-2], dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out
''',
    },
    'emb-09-lookup-via-float32-one-hot': {
        'embedding_lookup': '''
def embedding_lookup(weight, ids):
    one_hot = torch.nn.functional.one_hot(ids, weight.shape[0]).float()
    return one_hot @ weight.float()
''',
    },
    'emb-extra-grad-repeated-ids-overwrite': {
        'embedding_grad': '''
def embedding_grad(grad_output, ids, num_embeddings):
    d = grad_output.shape[-1]
    grad_weight = torch.zeros(num_embeddings, d, dtype=grad_output.dtype)
    grad_weight[ids.reshape(-1)] = grad_output.reshape(-1, d)
    return grad_weight
''',
    },
    'emb-extra-grad-rows-up-to-max-id': {
        'embedding_grad': '''
def embedding_grad(grad_output, ids, num_embeddings):
    d = grad_output.shape[-1]
    grad_weight = torch.zeros(int(ids.max()) + 1, d, dtype=grad_output.dtype)
    return grad_weight.index_add(0, ids.reshape(-1), grad_output.reshape(-1, d))
''',
    },
    'emb-extra-rope-theta-ignored': {
        'apply_rope': '''
def apply_rope(x, positions, theta=10000.0):
    """회전 위치 임베딩 (RoPE): 이웃한 두 성분 (x_2i, x_2i+1)을 평면 위에서 회전합니다.

    각도 φ = p · θ^(-2i/d)   (p = 그 토큰의 위치, i = 0..d/2-1)
    x'_2i   = x_2i · cos φ − x_2i+1 · sin φ
    x'_2i+1 = x_2i · sin φ + x_2i+1 · cos φ

    x: (..., T, d) (d는 짝수), positions: 길이 T의 정수 위치(연속이 아니어도 됨) 또는
    x.shape[:-1]로 브로드캐스트되는 위치 → x와 같은 모양.
    회전이라 벡터의 길이는 그대로이고, ⟨R_m q, R_n k⟩는 m − n에만 의존합니다.
    """
    d = x.shape[-1]
    freqs = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)        # (d/2,)
    angles = torch.as_tensor(positions, dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out
''',
    },
    'emb-extra-rope-rotation-direction-flipped': {
        'apply_rope': '''
def apply_rope(x, positions, theta=10000.0):
    """회전 위치 임베딩 (RoPE): 이웃한 두 성분 (x_2i, x_2i+1)을 평면 위에서 회전합니다.

    각도 φ = p · θ^(-2i/d)   (p = 그 토큰의 위치, i = 0..d/2-1)
    x'_2i   = x_2i · cos φ − x_2i+1 · sin φ
    x'_2i+1 = x_2i · sin φ + x_2i+1 · cos φ

    x: (..., T, d) (d는 짝수), positions: 길이 T의 정수 위치(연속이 아니어도 됨) 또는
    x.shape[:-1]로 브로드캐스트되는 위치 → x와 같은 모양.
    회전이라 벡터의 길이는 그대로이고, ⟨R_m q, R_n k⟩는 m − n에만 의존합니다.
    """
    d = x.shape[-1]
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)        # (d/2,)
    angles = torch.as_tensor(positions, dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos + odd * sin
    out[..., 1::2] = -even * sin + odd * cos
    return out
''',
    },
    'emb-extra-rope-writes-into-input': {
        'apply_rope': '''
def apply_rope(x, positions, theta=10000.0):
    d = x.shape[-1]
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = torch.as_tensor(positions, dtype=torch.float64)[..., None] * freqs
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    even, odd = x[..., 0::2].clone(), x[..., 1::2].clone()
    x[..., 0::2] = even * cos - odd * sin
    x[..., 1::2] = even * sin + odd * cos
    return x
''',
    },
    'emb-extra-cosine-one-norm-only': {
        'cosine_similarity': '''
def cosine_similarity(a, b):
    """코사인 유사도: 마지막 축을 따라 두 벡터가 이루는 각의 코사인.

    cos(a, b) = a·b / (‖a‖ ‖b‖)   ∈ [-1, 1]
    a, b: (..., d), 앞쪽 축은 브로드캐스트 → (...)
    """
    return (a * b).sum(-1) / (a.norm(dim=-1) ** 2)
''',
    },
    'emb-extra-nearest-includes-itself': {
        'nearest_neighbors': '''
def nearest_neighbors(weight, index, k):
    """임베딩 행렬에서 `index`번 토큰과 코사인 유사도가 가장 높은 k개 토큰의 id.

    weight: (V, d) → 길이 k의 정수 리스트, 가장 비슷한 것부터. 자기 자신(index)은 뺍니다.
    """
    sims = cosine_similarity(weight, weight[index][None, :])
    return torch.topk(sims, k).indices.tolist()
''',
    },
    'emb-extra-nearest-by-dot-product': {
        'nearest_neighbors': '''
def nearest_neighbors(weight, index, k):
    """임베딩 행렬에서 `index`번 토큰과 코사인 유사도가 가장 높은 k개 토큰의 id.

    weight: (V, d) → 길이 k의 정수 리스트, 가장 비슷한 것부터. 자기 자신(index)은 뺍니다.
    """
    sims = weight @ weight[index]
    sims[index] = float("-inf")
    return torch.topk(sims, k).indices.tolist()
''',
    },
    'emb-extra-nearest-least-similar-first': {
        'nearest_neighbors': '''
def nearest_neighbors(weight, index, k):
    """임베딩 행렬에서 `index`번 토큰과 코사인 유사도가 가장 높은 k개 토큰의 id.

    weight: (V, d) → 길이 k의 정수 리스트, 가장 비슷한 것부터. 자기 자신(index)은 뺍니다.
    """
    sims = cosine_similarity(weight, weight[index][None, :])
    sims[index] = float("inf")
    return torch.topk(sims, k, largest=False).indices.tolist()
''',
    },
}

SAMPLES = {
    "bug-pe-concatenated": ["emb-02-sin-cos-concatenated"],
    "bug-rope-half-split": ["emb-05-rope-half-split"],
    "bug-grad-overwrite-dot-neighbours": ["emb-extra-grad-repeated-ids-overwrite", "emb-extra-nearest-by-dot-product"],
}
