"""Buggy variants of the 07 reference, one per BUG_CATALOG "Self-attention" row (see the keys).

Row 7 (causal mask misaligned when n_q < n_k) has no place in the fixed API: causal_mask(t) is square.
"""

MHA = "MultiHeadSelfAttention"

MUTANTS = {
    'attn-01-missing-scale': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-1)
''',
    },
    'attn-02-scale-by-d-k': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1]
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-1)
''',
    },
    'attn-03-softmax-over-query-axis': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-2)
''',
    },
    'attn-04-mask-polarity-inverted': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    return softmax(scores, dim=-1)
''',
        'causal_mask': '''
def causal_mask(t):
    return torch.ones(t, t, dtype=torch.bool).triu(1)
''',
    },
    'attn-05-masked-scores-set-to-zero': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, 0.0)
    return softmax(scores, dim=-1)
''',
    },
    'attn-05-mask-after-softmax-no-renorm': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    weights = softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights
''',
    },
    'attn-06-causal-diagonal-excluded': {
        'causal_mask': '''
def causal_mask(t):
    return torch.ones(t, t, dtype=torch.bool).tril(-1)
''',
    },
    'attn-06-causal-one-step-ahead': {
        'causal_mask': '''
def causal_mask(t):
    return torch.ones(t, t, dtype=torch.bool).tril(1)
''',
    },
    'attn-08-softmax-without-max-subtraction': {
        'softmax': '''
def softmax(x, dim=-1):
    exps = torch.exp(x)
    return exps / exps.sum(dim=dim, keepdim=True)
''',
    },
    'attn-11-scales-query-in-place': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    q /= math.sqrt(q.shape[-1])
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-1)
''',
    },
    'attn-11-masks-scores-in-place-of-mask-argument': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        mask.logical_not_()
        scores = scores.masked_fill(mask, float("-inf"))
    return softmax(scores, dim=-1)
''',
    },
    'attn-extra-softmax-ignores-dim': {
        'softmax': '''
def softmax(x, dim=-1):
    shifted = x - x.amax(dim=-1, keepdim=True)
    exps = torch.exp(shifted)
    return exps / exps.sum(dim=-1, keepdim=True)
''',
    },
    'attn-02-mha-scales-by-d-model': {MHA: '''
class MultiHeadSelfAttention(nn.Module):
    """멀티 헤드 셀프 어텐션.

    Q = x W_qᵀ + b_q,  K = x W_kᵀ + b_k,  V = x W_vᵀ + b_v   (각각 (B, T, d_model))
    헤드 h는 각 투영 출력의 열 h·d_head : (h+1)·d_head 를 씁니다 (d_head = d_model / n_heads).
    head_h = Attention(Q_h, K_h, V_h, mask)
    출력 = concat(head_0, …, head_{H-1}) W_oᵀ + b_o   → (B, T, d_model)

    속성: `q_proj`, `k_proj`, `v_proj`, `o_proj` — 모두 `nn.Linear(d_model, d_model)` (bias 포함).
    `forward(x, mask=None)`: x (B, T, d_model), mask는 (T, T) 불리언(True = 어텐션 가능) 또는 None.
    드롭아웃은 없습니다. 각 헤드의 어텐션은 위의 `scaled_dot_product_attention`으로 계산하세요.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model은 n_heads로 나누어떨어져야 합니다."
        self.d_model = d_model
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.o_proj = nn.Linear(d_model, d_model)

    def _split_heads(self, x):
        # (B, T, d_model) → (B, H, T, d_head)
        batch, t, _ = x.shape
        return x.view(batch, t, self.n_heads, self.d_head).transpose(1, 2)

    def _merge_heads(self, x):
        # (B, H, T, d_head) → (B, T, d_model)
        batch, _, t, _ = x.shape
        return x.transpose(1, 2).reshape(batch, t, self.d_model)

    def forward(self, x, mask=None):
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))
        heads = scaled_dot_product_attention(q * (self.d_head / self.d_model) ** 0.5, k, v, mask)
        return self.o_proj(self._merge_heads(heads))
'''},
    'attn-09-split-heads-without-transpose': {MHA: '''
class MultiHeadSelfAttention(nn.Module):
    """멀티 헤드 셀프 어텐션.

    Q = x W_qᵀ + b_q,  K = x W_kᵀ + b_k,  V = x W_vᵀ + b_v   (각각 (B, T, d_model))
    헤드 h는 각 투영 출력의 열 h·d_head : (h+1)·d_head 를 씁니다 (d_head = d_model / n_heads).
    head_h = Attention(Q_h, K_h, V_h, mask)
    출력 = concat(head_0, …, head_{H-1}) W_oᵀ + b_o   → (B, T, d_model)

    속성: `q_proj`, `k_proj`, `v_proj`, `o_proj` — 모두 `nn.Linear(d_model, d_model)` (bias 포함).
    `forward(x, mask=None)`: x (B, T, d_model), mask는 (T, T) 불리언(True = 어텐션 가능) 또는 None.
    드롭아웃은 없습니다. 각 헤드의 어텐션은 위의 `scaled_dot_product_attention`으로 계산하세요.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model은 n_heads로 나누어떨어져야 합니다."
        self.d_model = d_model
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.o_proj = nn.Linear(d_model, d_model)

    def _split_heads(self, x):
        # (B, T, d_model) → (B, H, T, d_head)
        batch, t, _ = x.shape
        return x.view(batch, self.n_heads, t, self.d_head)

    def _merge_heads(self, x):
        # (B, H, T, d_head) → (B, T, d_model)
        batch, _, t, _ = x.shape
        return x.transpose(1, 2).reshape(batch, t, self.d_model)

    def forward(self, x, mask=None):
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))
        heads = scaled_dot_product_attention(q, k, v, mask)
        return self.o_proj(self._merge_heads(heads))
'''},
    'attn-09-merge-heads-wrong-order': {MHA: '''
class MultiHeadSelfAttention(nn.Module):
    """멀티 헤드 셀프 어텐션.

    Q = x W_qᵀ + b_q,  K = x W_kᵀ + b_k,  V = x W_vᵀ + b_v   (각각 (B, T, d_model))
    헤드 h는 각 투영 출력의 열 h·d_head : (h+1)·d_head 를 씁니다 (d_head = d_model / n_heads).
    head_h = Attention(Q_h, K_h, V_h, mask)
    출력 = concat(head_0, …, head_{H-1}) W_oᵀ + b_o   → (B, T, d_model)

    속성: `q_proj`, `k_proj`, `v_proj`, `o_proj` — 모두 `nn.Linear(d_model, d_model)` (bias 포함).
    `forward(x, mask=None)`: x (B, T, d_model), mask는 (T, T) 불리언(True = 어텐션 가능) 또는 None.
    드롭아웃은 없습니다. 각 헤드의 어텐션은 위의 `scaled_dot_product_attention`으로 계산하세요.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model은 n_heads로 나누어떨어져야 합니다."
        self.d_model = d_model
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.o_proj = nn.Linear(d_model, d_model)

    def _split_heads(self, x):
        # (B, T, d_model) → (B, H, T, d_head)
        batch, t, _ = x.shape
        return x.view(batch, t, self.n_heads, self.d_head).transpose(1, 2)

    def _merge_heads(self, x):
        # (B, H, T, d_head) → (B, T, d_model)
        batch, _, t, _ = x.shape
        return x.reshape(batch, t, self.d_model)

    def forward(self, x, mask=None):
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))
        heads = scaled_dot_product_attention(q, k, v, mask)
        return self.o_proj(self._merge_heads(heads))
'''},
    'attn-10-no-output-projection': {MHA: '''
class MultiHeadSelfAttention(nn.Module):
    """멀티 헤드 셀프 어텐션.

    Q = x W_qᵀ + b_q,  K = x W_kᵀ + b_k,  V = x W_vᵀ + b_v   (각각 (B, T, d_model))
    헤드 h는 각 투영 출력의 열 h·d_head : (h+1)·d_head 를 씁니다 (d_head = d_model / n_heads).
    head_h = Attention(Q_h, K_h, V_h, mask)
    출력 = concat(head_0, …, head_{H-1}) W_oᵀ + b_o   → (B, T, d_model)

    속성: `q_proj`, `k_proj`, `v_proj`, `o_proj` — 모두 `nn.Linear(d_model, d_model)` (bias 포함).
    `forward(x, mask=None)`: x (B, T, d_model), mask는 (T, T) 불리언(True = 어텐션 가능) 또는 None.
    드롭아웃은 없습니다. 각 헤드의 어텐션은 위의 `scaled_dot_product_attention`으로 계산하세요.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model은 n_heads로 나누어떨어져야 합니다."
        self.d_model = d_model
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.o_proj = nn.Linear(d_model, d_model)

    def _split_heads(self, x):
        # (B, T, d_model) → (B, H, T, d_head)
        batch, t, _ = x.shape
        return x.view(batch, t, self.n_heads, self.d_head).transpose(1, 2)

    def _merge_heads(self, x):
        # (B, H, T, d_head) → (B, T, d_model)
        batch, _, t, _ = x.shape
        return x.transpose(1, 2).reshape(batch, t, self.d_model)

    def forward(self, x, mask=None):
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))
        heads = scaled_dot_product_attention(q, k, v, mask)
        return self._merge_heads(heads)
'''},
    'attn-10-output-bias-ignored': {MHA: '''
class MultiHeadSelfAttention(nn.Module):
    """멀티 헤드 셀프 어텐션.

    Q = x W_qᵀ + b_q,  K = x W_kᵀ + b_k,  V = x W_vᵀ + b_v   (각각 (B, T, d_model))
    헤드 h는 각 투영 출력의 열 h·d_head : (h+1)·d_head 를 씁니다 (d_head = d_model / n_heads).
    head_h = Attention(Q_h, K_h, V_h, mask)
    출력 = concat(head_0, …, head_{H-1}) W_oᵀ + b_o   → (B, T, d_model)

    속성: `q_proj`, `k_proj`, `v_proj`, `o_proj` — 모두 `nn.Linear(d_model, d_model)` (bias 포함).
    `forward(x, mask=None)`: x (B, T, d_model), mask는 (T, T) 불리언(True = 어텐션 가능) 또는 None.
    드롭아웃은 없습니다. 각 헤드의 어텐션은 위의 `scaled_dot_product_attention`으로 계산하세요.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model은 n_heads로 나누어떨어져야 합니다."
        self.d_model = d_model
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.o_proj = nn.Linear(d_model, d_model)

    def _split_heads(self, x):
        # (B, T, d_model) → (B, H, T, d_head)
        batch, t, _ = x.shape
        return x.view(batch, t, self.n_heads, self.d_head).transpose(1, 2)

    def _merge_heads(self, x):
        # (B, H, T, d_head) → (B, T, d_model)
        batch, _, t, _ = x.shape
        return x.transpose(1, 2).reshape(batch, t, self.d_model)

    def forward(self, x, mask=None):
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))
        heads = scaled_dot_product_attention(q, k, v, mask)
        return self._merge_heads(heads) @ self.o_proj.weight.T
'''},
    'attn-12-dropout-active-in-eval': {MHA: '''
class MultiHeadSelfAttention(nn.Module):
    """멀티 헤드 셀프 어텐션.

    Q = x W_qᵀ + b_q,  K = x W_kᵀ + b_k,  V = x W_vᵀ + b_v   (각각 (B, T, d_model))
    헤드 h는 각 투영 출력의 열 h·d_head : (h+1)·d_head 를 씁니다 (d_head = d_model / n_heads).
    head_h = Attention(Q_h, K_h, V_h, mask)
    출력 = concat(head_0, …, head_{H-1}) W_oᵀ + b_o   → (B, T, d_model)

    속성: `q_proj`, `k_proj`, `v_proj`, `o_proj` — 모두 `nn.Linear(d_model, d_model)` (bias 포함).
    `forward(x, mask=None)`: x (B, T, d_model), mask는 (T, T) 불리언(True = 어텐션 가능) 또는 None.
    드롭아웃은 없습니다. 각 헤드의 어텐션은 위의 `scaled_dot_product_attention`으로 계산하세요.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model은 n_heads로 나누어떨어져야 합니다."
        self.d_model = d_model
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.o_proj = nn.Linear(d_model, d_model)

    def _split_heads(self, x):
        # (B, T, d_model) → (B, H, T, d_head)
        batch, t, _ = x.shape
        return x.view(batch, t, self.n_heads, self.d_head).transpose(1, 2)

    def _merge_heads(self, x):
        # (B, H, T, d_head) → (B, T, d_model)
        batch, _, t, _ = x.shape
        return x.transpose(1, 2).reshape(batch, t, self.d_model)

    def forward(self, x, mask=None):
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))
        heads = torch.nn.functional.dropout(scaled_dot_product_attention(q, k, v, mask), 0.1)
        return self.o_proj(self._merge_heads(heads))
'''},
}

SAMPLES = {
    "bug-mask-polarity": ["attn-04-mask-polarity-inverted"],
    "bug-no-scale-no-max": ["attn-01-missing-scale", "attn-08-softmax-without-max-subtraction"],
    "bug-heads-without-transpose": ["attn-09-split-heads-without-transpose"],
}
