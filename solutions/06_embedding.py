"""06. 임베딩 (Embedding) — reference solution."""
import torch


def embedding_lookup(weight, ids):
    """임베딩 조회: 토큰 id마다 임베딩 행렬의 그 행을 꺼냅니다.

    out[..., :] = weight[ids[...], :]
    weight: (V, d), ids: 정수 텐서 (임의의 모양 S) → (S..., d), weight와 같은 dtype.
    원-핫 벡터와 행렬 곱을 하지 말고 인덱싱으로 꺼내세요(값이 정확히 같아야 합니다).
    """
    return weight[ids]


def embedding_grad(grad_output, ids, num_embeddings):
    """임베딩 조회의 기울기: 각 토큰 id의 행에 그 id가 나온 모든 위치의 기울기를 더합니다.

    grad_weight[v] = Σ_{위치 s: ids[s] = v} grad_output[s]
    grad_output: (S..., d), ids: (S...) → (num_embeddings, d), grad_output과 같은 dtype. 나오지 않은 id의 행은 0.
    같은 id가 여러 번 나오면 기울기가 **누적**됩니다(덮어쓰지 않음).
    """
    d = grad_output.shape[-1]
    grad_weight = torch.zeros(num_embeddings, d, dtype=grad_output.dtype)
    return grad_weight.index_add(0, ids.reshape(-1), grad_output.reshape(-1, d))


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
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles)
    return pe.float()


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
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def cosine_similarity(a, b):
    """코사인 유사도: 마지막 축을 따라 두 벡터가 이루는 각의 코사인.

    cos(a, b) = a·b / (‖a‖ ‖b‖)   ∈ [-1, 1]
    a, b: (..., d), 앞쪽 축은 브로드캐스트 → (...)
    """
    return (a * b).sum(-1) / (a.norm(dim=-1) * b.norm(dim=-1))


def nearest_neighbors(weight, index, k):
    """임베딩 행렬에서 `index`번 토큰과 코사인 유사도가 가장 높은 k개 토큰의 id.

    weight: (V, d) → 길이 k의 정수 리스트, 가장 비슷한 것부터. 자기 자신(index)은 뺍니다.
    k는 1부터 V − 1(자기 자신을 뺀 모든 토큰)까지입니다. weight는 바꾸지 않습니다.
    """
    sims = cosine_similarity(weight, weight[index][None, :])
    sims[index] = float("-inf")
    return torch.topk(sims, k).indices.tolist()
