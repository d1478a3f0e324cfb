"""07. 셀프 어텐션 (Self-Attention) — reference solution."""
import math

import torch
from torch import nn


def softmax(x, dim=-1):
    """소프트맥스: 점수를 합이 1인 확률로 바꿉니다.

    softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m),  m = max_j x_j

    m을 빼도 값은 같지만(분자와 분모에 같은 exp(-m)이 곱해짐) exp가 넘치지(overflow) 않습니다.
    `dim` 축을 따라 정규화하고, 입력과 같은 모양의 텐서를 돌려줍니다.
    """
    shifted = x - x.amax(dim=dim, keepdim=True)
    exps = torch.exp(shifted)
    return exps / exps.sum(dim=dim, keepdim=True)


def causal_mask(t):
    """인과(causal) 마스크: (t, t) 불리언 텐서.

    mask[i, j] = True  ⇔  j ≤ i  (i번째 쿼리는 자기 자신과 앞의 키만 볼 수 있음)
    True는 '어텐션해도 된다'는 뜻입니다(PyTorch의 규칙과 같음).
    """
    return torch.ones(t, t, dtype=torch.bool).tril()


def attention_weights(q, k, mask=None):
    """어텐션 가중치 A = softmax(Q Kᵀ / √d_k) — 키 축(마지막 축)으로 정규화.

    q: (..., T_q, d_k), k: (..., T_k, d_k) → A: (..., T_q, T_k)
    mask: (..., T_q, T_k)로 브로드캐스트되는 불리언 텐서, True = 어텐션 가능.
          False인 자리의 점수는 -∞로 바꾸므로 소프트맥스 후 가중치가 정확히 0이 됩니다.
    """
    d_k = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-1)


def scaled_dot_product_attention(q, k, v, mask=None):
    """스케일드 닷-프로덕트 어텐션: softmax(Q Kᵀ / √d_k) V.

    q: (..., T_q, d_k), k: (..., T_k, d_k), v: (..., T_k, d_v) → (..., T_q, d_v)
    각 쿼리의 출력은 값(value) 벡터들의 가중 평균이고, 가중치는 `attention_weights`입니다.
    입력 텐서는 바꾸지 않습니다.
    """
    return attention_weights(q, k, mask) @ v


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
        """q_proj, k_proj, v_proj, o_proj를 만듭니다 (d_head = d_model // n_heads)."""
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
        """(B, T, d_model) → (B, H, T, d_head): view로 나눈 뒤 transpose(1, 2)."""
        batch, t, _ = x.shape
        return x.view(batch, t, self.n_heads, self.d_head).transpose(1, 2)

    def _merge_heads(self, x):
        """(B, H, T, d_head) → (B, T, d_model): _split_heads의 역순."""
        batch, _, t, _ = x.shape
        return x.transpose(1, 2).reshape(batch, t, self.d_model)

    def forward(self, x, mask=None):
        """x: (B, T, d_model), mask: (T, T) 불리언(True = 어텐션 가능) 또는 None → (B, T, d_model)"""
        q = self._split_heads(self.q_proj(x))
        k = self._split_heads(self.k_proj(x))
        v = self._split_heads(self.v_proj(x))
        heads = scaled_dot_product_attention(q, k, v, mask)
        return self.o_proj(self._merge_heads(heads))
