"""08. 피드 포워드 네트워크와 층 쌓기 — reference solution.

`MiniGPT` here is the course's small GPT: later assignments load this file instead of copying the
architecture (file names start with a digit, so not a plain import):

    from grader.assignments import load_solution
    gpt = load_solution("08_transformer_block")
    model = gpt.MiniGPT(vocab_size=4096, n_ctx=128, d_model=128, n_layers=4, n_heads=4, d_ff=512)

In a notebook, give it with a support cell that names every definition it needs, each from the file
that defines it: 07's softmax, causal_mask, attention_weights, scaled_dot_product_attention and
MultiHeadSelfAttention, then 08's layer_norm, gelu, FeedForward, TransformerBlock and MiniGPT.
07's attention reaches this file through load_solution too, never as a pasted copy.
"""
import math

import torch
from torch import nn

from grader.assignments import load_solution

# Given code: 07's attention. The notebook's support cell copies these definitions from
# solutions/07_attention.py at build time; here they are loaded from the same file.
_attention = load_solution("07_attention")
causal_mask = _attention.causal_mask
MultiHeadSelfAttention = _attention.MultiHeadSelfAttention


def layer_norm(x, weight, bias, eps=1e-5):
    """레이어 정규화 (Layer Normalization): 마지막 축(특징 축)으로 정규화합니다.

    μ = mean(x),  σ² = mean((x - μ)²)        (편향 분산: n으로 나눔, n-1이 아님)
    y = (x - μ) / √(σ² + ε) · weight + bias   (ε은 제곱근 안에)

    x: (..., D), weight·bias: (D,) → (..., D)
    """
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias


def gelu(x):
    """GELU 활성화 함수 (정확한 형태, erf 사용).

    GELU(x) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2))
    Φ는 표준정규분포의 누적분포함수입니다. tanh 근사식이 아니라 이 정확한 식을 쓰세요.
    """
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


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
        """x: (..., d_model) → (..., d_model)"""
        return self.fc2(gelu(self.fc1(x)))


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
        """x: (B, T, d_model) → (B, T, d_model), 길이 T의 인과 마스크를 씁니다."""
        mask = causal_mask(x.shape[1]).to(x.device)
        x = x + self.attn(self.ln1(x), mask)
        return x + self.ff(self.ln2(x))


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
        """ids: (B, T) 정수, T ≤ n_ctx → logits (B, T, vocab_size)"""
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(positions)
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def count_parameters(vocab_size, n_ctx, d_model, n_layers, d_ff):
    """MiniGPT의 파라미터 수 (공유된 헤드 가중치는 한 번만 셉니다).

    블록 하나 = LayerNorm 2개 (2·2d) + 어텐션 투영 4개 (4·(d² + d)) + FFN (d·d_ff + d_ff + d_ff·d + d)
             = 4d² + 2·d·d_ff + 9d + d_ff
    전체 = V·d (토큰 임베딩 = 헤드) + n_ctx·d (위치 임베딩) + n_layers · 블록 + 2d (ln_f)
    (d_ff = 4d이면 블록 하나가 12d² + 13d 입니다.)
    """
    d = d_model
    per_block = 4 * d * d + 2 * d * d_ff + 9 * d + d_ff
    return vocab_size * d + n_ctx * d + n_layers * per_block + 2 * d
