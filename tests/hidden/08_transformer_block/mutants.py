"""Buggy variants of the 08 reference, one per BUG_CATALOG row of "Feed-forward, LayerNorm, stacking
blocks" (block-*) plus rows 4 and 8 of "Embeddings and positional encodings" (emb-*), which live in
MiniGPT. Rows 5 (RMSNorm) and 8 (SwiGLU) of the block section are outside the fixed API.
"""

MUTANTS = {
    'block-01-unbiased-variance': {
        'layer_norm': '''
def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
''',
    },
    'block-02-eps-outside-sqrt': {
        'layer_norm': '''
def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / (torch.sqrt(var) + eps) * weight + bias
''',
    },
    'block-03-normalizes-wrong-axis': {
        'layer_norm': '''
def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-2, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-2, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
''',
    },
    'block-04-gamma-beta-swapped': {
        'layer_norm': '''
def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * bias + weight
''',
    },
    'block-04-gamma-beta-ignored': {
        'layer_norm': '''
def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
''',
    },
    'block-extra-layer-norm-centres-input-in-place': {
        'layer_norm': '''
def layer_norm(x, weight, bias, eps=1e-5):
    x -= x.mean(dim=-1, keepdim=True)
    var = (x ** 2).mean(dim=-1, keepdim=True)
    return x / torch.sqrt(var + eps) * weight + bias
''',
    },
    'block-06-post-norm': {
        'TransformerBlock': '''
class TransformerBlock(nn.Module):
    """프리-LN 트랜스포머 블록 (GPT-2 방식).

    h   = x + attn(ln1(x), causal_mask(T))
    out = h + ff(ln2(h))
    잔차(residual)에는 정규화하기 전의 값(x, h)을 더합니다.

    속성: `ln1`, `ln2` = nn.LayerNorm(d_model), `attn` = MultiHeadSelfAttention(d_model, n_heads),
    `ff` = FeedForward(d_model, d_ff).  forward(x): x (B, T, d_model) → (B, T, d_model), 인과 마스크 사용.
    """

    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadSelfAttention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff)

    def forward(self, x):
        mask = causal_mask(x.shape[1]).to(x.device)
        x = self.ln1(x + self.attn(x, mask))
        return self.ln2(x + self.ff(x))
''',
    },
    'block-06-residual-adds-normalized-x': {
        'TransformerBlock': '''
class TransformerBlock(nn.Module):
    """프리-LN 트랜스포머 블록 (GPT-2 방식).

    h   = x + attn(ln1(x), causal_mask(T))
    out = h + ff(ln2(h))
    잔차(residual)에는 정규화하기 전의 값(x, h)을 더합니다.

    속성: `ln1`, `ln2` = nn.LayerNorm(d_model), `attn` = MultiHeadSelfAttention(d_model, n_heads),
    `ff` = FeedForward(d_model, d_ff).  forward(x): x (B, T, d_model) → (B, T, d_model), 인과 마스크 사용.
    """

    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadSelfAttention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff)

    def forward(self, x):
        mask = causal_mask(x.shape[1]).to(x.device)
        h = self.ln1(x)
        x = h + self.attn(h, mask)
        h = self.ln2(x)
        return h + self.ff(h)
''',
    },
    'block-07-gelu-tanh-approximation': {
        'gelu': '''
def gelu(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
''',
    },
    'block-09-final-norm-missing': {
        'MiniGPT': '''
class MiniGPT(nn.Module):
    """작은 GPT: 임베딩 → 트랜스포머 블록 n_layers개 → 마지막 LayerNorm → 출력 헤드.

    x₀ = tok_emb(ids) + pos_emb(0..T-1)          ids: (B, T) 정수
    x_ℓ = blocks[ℓ-1](x_{ℓ-1}),  ℓ = 1..n_layers
    logits = ln_f(x_L) · tok_embᵀ                  → (B, T, vocab_size)

    속성: `tok_emb` = nn.Embedding(vocab_size, d_model), `pos_emb` = nn.Embedding(n_ctx, d_model),
    `blocks` = nn.ModuleList(TransformerBlock …), `ln_f` = nn.LayerNorm(d_model).
    출력 헤드는 토큰 임베딩과 가중치를 **공유**합니다(weight tying): 복사가 아니라 같은 텐서여야 합니다.
    """

    def __init__(self, vocab_size, n_ctx, d_model, n_layers, n_heads, d_ff):
        super().__init__()
        self.n_ctx = n_ctx
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(n_ctx, d_model)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok_emb.weight

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(positions)
        for block in self.blocks:
            x = block(x)
        return self.head(x)
''',
    },
    'block-09-logits-shape-b-v-t': {
        'MiniGPT': '''
class MiniGPT(nn.Module):
    """작은 GPT: 임베딩 → 트랜스포머 블록 n_layers개 → 마지막 LayerNorm → 출력 헤드.

    x₀ = tok_emb(ids) + pos_emb(0..T-1)          ids: (B, T) 정수
    x_ℓ = blocks[ℓ-1](x_{ℓ-1}),  ℓ = 1..n_layers
    logits = ln_f(x_L) · tok_embᵀ                  → (B, T, vocab_size)

    속성: `tok_emb` = nn.Embedding(vocab_size, d_model), `pos_emb` = nn.Embedding(n_ctx, d_model),
    `blocks` = nn.ModuleList(TransformerBlock …), `ln_f` = nn.LayerNorm(d_model).
    출력 헤드는 토큰 임베딩과 가중치를 **공유**합니다(weight tying): 복사가 아니라 같은 텐서여야 합니다.
    """

    def __init__(self, vocab_size, n_ctx, d_model, n_layers, n_heads, d_ff):
        super().__init__()
        self.n_ctx = n_ctx
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(n_ctx, d_model)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok_emb.weight

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(positions)
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x)).transpose(1, 2)
''',
    },
    'block-extra-causal-mask-missing': {
        'TransformerBlock': '''
class TransformerBlock(nn.Module):
    """프리-LN 트랜스포머 블록 (GPT-2 방식).

    h   = x + attn(ln1(x), causal_mask(T))
    out = h + ff(ln2(h))
    잔차(residual)에는 정규화하기 전의 값(x, h)을 더합니다.

    속성: `ln1`, `ln2` = nn.LayerNorm(d_model), `attn` = MultiHeadSelfAttention(d_model, n_heads),
    `ff` = FeedForward(d_model, d_ff).  forward(x): x (B, T, d_model) → (B, T, d_model), 인과 마스크 사용.
    """

    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadSelfAttention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff)

    def forward(self, x):
        mask = causal_mask(x.shape[1]).to(x.device)
        x = x + self.attn(self.ln1(x))
        return x + self.ff(self.ln2(x))
''',
    },
    'block-extra-ffn-relu-instead-of-gelu': {
        'FeedForward': '''
class FeedForward(nn.Module):
    """위치별 피드 포워드 네트워크 (Feed-Forward Network).

    FFN(x) = fc2(GELU(fc1(x)))
    fc1 = nn.Linear(d_model, d_ff), fc2 = nn.Linear(d_ff, d_model)  (둘 다 bias 포함)
    각 토큰(위치)에 같은 네트워크를 따로따로 적용합니다: x (..., d_model) → (..., d_model)
    """

    def __init__(self, d_model, d_ff):
        super().__init__()
        self.fc1 = nn.Linear(d_model, d_ff)
        self.fc2 = nn.Linear(d_ff, d_model)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
''',
    },
    'block-extra-count-head-twice': {
        'count_parameters': '''
def count_parameters(vocab_size, n_ctx, d_model, n_layers, d_ff):
    d = d_model
    per_block = 4 * d * d + 2 * d * d_ff + 9 * d + d_ff
    return 2 * vocab_size * d + n_ctx * d + n_layers * per_block + 2 * d
''',
    },
    'block-extra-count-assumes-d-ff-4d': {
        'count_parameters': '''
def count_parameters(vocab_size, n_ctx, d_model, n_layers, d_ff):
    d = d_model
    return vocab_size * d + n_ctx * d + n_layers * (12 * d * d + 13 * d) + 2 * d
''',
    },
    'emb-04-positions-added-along-batch-axis': {
        'MiniGPT': '''
class MiniGPT(nn.Module):
    """작은 GPT: 임베딩 → 트랜스포머 블록 n_layers개 → 마지막 LayerNorm → 출력 헤드.

    x₀ = tok_emb(ids) + pos_emb(0..T-1)          ids: (B, T) 정수
    x_ℓ = blocks[ℓ-1](x_{ℓ-1}),  ℓ = 1..n_layers
    logits = ln_f(x_L) · tok_embᵀ                  → (B, T, vocab_size)

    속성: `tok_emb` = nn.Embedding(vocab_size, d_model), `pos_emb` = nn.Embedding(n_ctx, d_model),
    `blocks` = nn.ModuleList(TransformerBlock …), `ln_f` = nn.LayerNorm(d_model).
    출력 헤드는 토큰 임베딩과 가중치를 **공유**합니다(weight tying): 복사가 아니라 같은 텐서여야 합니다.
    """

    def __init__(self, vocab_size, n_ctx, d_model, n_layers, n_heads, d_ff):
        super().__init__()
        self.n_ctx = n_ctx
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(n_ctx, d_model)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok_emb.weight

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(positions)[:, None, :]
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))
''',
    },
    'emb-08-head-copied-not-tied': {
        'MiniGPT': '''
class MiniGPT(nn.Module):
    """작은 GPT: 임베딩 → 트랜스포머 블록 n_layers개 → 마지막 LayerNorm → 출력 헤드.

    x₀ = tok_emb(ids) + pos_emb(0..T-1)          ids: (B, T) 정수
    x_ℓ = blocks[ℓ-1](x_{ℓ-1}),  ℓ = 1..n_layers
    logits = ln_f(x_L) · tok_embᵀ                  → (B, T, vocab_size)

    속성: `tok_emb` = nn.Embedding(vocab_size, d_model), `pos_emb` = nn.Embedding(n_ctx, d_model),
    `blocks` = nn.ModuleList(TransformerBlock …), `ln_f` = nn.LayerNorm(d_model).
    출력 헤드는 토큰 임베딩과 가중치를 **공유**합니다(weight tying): 복사가 아니라 같은 텐서여야 합니다.
    """

    def __init__(self, vocab_size, n_ctx, d_model, n_layers, n_heads, d_ff):
        super().__init__()
        self.n_ctx = n_ctx
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(n_ctx, d_model)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = nn.Parameter(self.tok_emb.weight.detach().clone())

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(positions)
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))
''',
    },
}

SAMPLES = {
    "bug-unbiased-variance-post-norm": ["block-01-unbiased-variance", "block-06-post-norm"],
    "bug-tanh-gelu": ["block-07-gelu-tanh-approximation"],
    "bug-untied-head": ["emb-08-head-copied-not-tied", "block-extra-count-head-twice"],
}
