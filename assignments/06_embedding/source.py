# %% [markdown]
# # 06. 임베딩 (Embedding)
#
# > 각 토큰을 고차원 벡터로 변환합니다.
# > 예: "안녕" → [0.1, 0.3, -0.2, ...]
# > 간단한 설명: 각 단어를 컴퓨터가 이해할 수 있는 숫자 리스트로 바꾸는 과정입니다.
#
# 05 과제의 토큰화는 문장을 정수 id의 열로 바꿨습니다. 이번 과제에서는 그 id를 모델이 계산할 수 있는
# **벡터**로 바꾸고, 트랜스포머가 알지 못하는 **순서(위치)** 정보를 더하는 방법을 만듭니다.
#
# 1. 임베딩 조회 `embedding_lookup`과 그 기울기 `embedding_grad`
# 2. 사인파 위치 인코딩 `sinusoidal_positions`
# 3. 회전 위치 임베딩(RoPE) `apply_rope`
# 4. 코사인 유사도 `cosine_similarity`와 최근접 이웃 `nearest_neighbors`
#
# 마지막에는 여러분의 함수로 이 과정이 직접 사전 학습한 작은 한국어 GPT의 임베딩 표를 들여다봅니다:
# 교재의 예 "안녕" → 벡터, 한국어 토큰의 최근접 이웃, 임베딩의 2차원 그림.
#
# ## 개요
# 임베딩은 크기 $(V, d)$의 행렬 $E$입니다($V$ = 어휘 크기, $d$ = 임베딩 차원). id가 $i$인 토큰의 벡터는
# $E$의 $i$번째 행입니다. $E$는 처음에 무작위 값이고, 학습하면서 비슷하게 쓰이는 토큰끼리 가까워집니다.
#
# ## 이유
# - 신경망은 숫자 벡터만 계산할 수 있습니다. id 자체(3, 17, …)의 크기에는 뜻이 없으므로 id마다 학습되는
#   벡터를 둡니다.
# - 원-핫 벡터($V$차원, 한 곳만 1)는 너무 크고, 모든 단어 쌍이 똑같이 떨어져 있어 "비슷함"을 표현하지 못합니다.
#   임베딩은 작은 차원 $d$에서 단어 사이의 관계를 거리와 방향으로 나타냅니다.
#
# ## 장점
# - 조회는 행 하나를 꺼내는 것뿐이라 매우 빠릅니다.
# - 의미가 비슷한 토큰이 비슷한 벡터를 가지므로, 모델이 한 단어에서 배운 것을 비슷한 단어에 나눠 쓸 수 있습니다.
#
# ## 단점
# - 파라미터가 $V \cdot d$개라 어휘가 크면 모델의 큰 부분을 차지합니다(그래서 출력 헤드와 공유하기도 합니다, 08 과제).
# - 토큰 임베딩에는 순서 정보가 없습니다. 셀프 어텐션도 순서를 모르므로(07 과제) 위치 정보를 따로 넣어야 합니다.
#
# ## 주요 사용 시기
# - 모든 언어 모델의 첫 층입니다. 위치 정보는 원래 트랜스포머의 사인파 인코딩, GPT-2의 학습되는 위치 임베딩,
#   LLaMA 등 최근 모델의 RoPE처럼 여러 방식이 쓰입니다.

# %%
import math

import torch

# %% [markdown]
# ## 1. 임베딩 조회 (Lookup)
#
# id가 $i$인 토큰의 원-핫 벡터 $o_i$와 $E$의 곱 $o_i^\top E$는 $E$의 $i$번째 행입니다. 하지만 실제로 $V$차원
# 원-핫 벡터를 만들어 곱할 필요는 없습니다. 그냥 그 행을 **꺼내면** 됩니다.

# %%
E = torch.tensor([[0.1, 0.3, -0.2],   # id 0
                  [0.5, -0.1, 0.0],   # id 1
                  [-0.3, 0.2, 0.4]])  # id 2
ids = torch.tensor([[2, 0, 2]])       # (배치 1, 길이 3) — id 2가 두 번
print("조회 결과 (1, 3, 3):\n", E[ids])
one_hot = torch.nn.functional.one_hot(ids, num_classes=3).float()
print("원-핫 × E 도 같음:", torch.equal(one_hot @ E, E[ids]))

# %% [markdown]
# ### 연습 1: `embedding_lookup(weight, ids)`
# `ids`가 어떤 모양이든 결과는 `ids.shape + (d,)`이고, dtype은 `weight`와 같아야 합니다.

# %% solution=["embedding_lookup"]

# %% tests="test_embedding_lookup"
_weight = torch.randn(10, 4, dtype=torch.float64)
_ids = torch.tensor([[1, 5, 1], [9, 0, 3]])
_emb = torch.nn.Embedding.from_pretrained(_weight)
assert torch.equal(embedding_lookup(_weight, _ids), _emb(_ids)), "nn.Embedding과 값이 다릅니다. weight[ids]를 쓰세요."
assert embedding_lookup(_weight, _ids).dtype == torch.float64, "dtype이 weight와 같아야 합니다."
print("embedding_lookup 확인 통과!")

# %% [markdown]
# ## 2. 임베딩의 기울기: 같은 id는 기울기가 쌓인다
#
# 출력 $y_s = E[\mathrm{ids}_s]$ 이므로 손실 $L$에 대한 기울기는
#
# $$\frac{\partial L}{\partial E_v} = \sum_{s:\ \mathrm{ids}_s = v} \frac{\partial L}{\partial y_s}$$
#
# 입니다. 문장에 같은 토큰이 여러 번 나오면(예: "나는 … 나는") 그 행은 **모든 위치의 기울기를 더한 값**을
# 받습니다. 한 번도 나오지 않은 토큰의 행은 기울기가 0이라 이번 단계에서 바뀌지 않습니다.
# PyTorch의 자동 미분이 계산한 값을 보세요.

# %%
emb = torch.nn.Embedding(3, 2)
out = emb(torch.tensor([2, 0, 2]))
out.backward(torch.tensor([[1.0, 1.0], [10.0, 10.0], [100.0, 100.0]]))
print(emb.weight.grad)  # 행 2 = 1 + 100, 행 0 = 10, 행 1 = 0

# %% [markdown]
# ### 연습 2: `embedding_grad(grad_output, ids, num_embeddings)`
# 결과 모양은 `(num_embeddings, d)`이고 dtype은 `grad_output`과 같습니다(float64 기울기면 float64).
# 주의: `grad[ids] = grad_output`처럼 대입하면 같은 id가 여러 번 나올 때 **덮어써서** 하나만 남습니다.
# `index_add_`를 쓰거나 반복문으로 더하세요.

# %% solution=["embedding_grad"]

# %% tests="test_embedding_grad"
_emb = torch.nn.Embedding(6, 3)
_ids = torch.tensor([[1, 4, 1], [1, 0, 4]])
_g = torch.randn(2, 3, 3)
_emb(_ids).backward(_g)
assert embedding_grad(_g, _ids, 6).shape == (6, 3), "모양은 (num_embeddings, d)여야 합니다."
assert torch.allclose(embedding_grad(_g, _ids, 6), _emb.weight.grad, atol=1e-6), \
    "nn.Embedding의 기울기와 다릅니다. 같은 id의 기울기를 더했나요?"
print("embedding_grad 확인 통과!")

# %% [markdown]
# ## 3. 사인파 위치 인코딩 (Sinusoidal Positional Encoding)
#
# 셀프 어텐션은 토큰의 순서를 바꿔도 같은 결과를 냅니다(각 토큰의 출력이 함께 자리만 바뀔 뿐). 그래서 위치
# $p$마다 벡터 $\mathrm{PE}_p$를 만들어 토큰 임베딩에 더합니다. 원래 트랜스포머는 학습하지 않는 사인파를 썼습니다.
#
# $$\mathrm{PE}[p, 2i] = \sin\!\left(\frac{p}{10000^{2i/d}}\right),\qquad
#   \mathrm{PE}[p, 2i+1] = \cos\!\left(\frac{p}{10000^{2i/d}}\right)$$
#
# - 열 쌍 $(2i, 2i+1)$마다 주파수가 다릅니다. 앞쪽 열은 빠르게, 뒤쪽 열은 아주 느리게 진동해서, 시계의 초침·
#   분침·시침처럼 여러 눈금으로 위치를 나타냅니다.
# - 지수는 $2i/d$ 입니다($i/d$가 아님). 그래서 마지막 쌍의 파장이 $2\pi \cdot 10000$ 가까이 됩니다.
# - 위치는 0부터 셉니다. 그래서 첫 행은 $\sin 0 = 0$, $\cos 0 = 1$이 번갈아 놓인 $[0, 1, 0, 1, \dots]$입니다.
# - 위치 $p + k$의 인코딩은 위치 $p$의 인코딩을 (쌍마다) 회전한 것이라, 모델이 상대 위치를 배우기 쉽습니다.
#
# ### 연습 3: `sinusoidal_positions(t, d)`
# `(t, d)` float 텐서를 돌려주세요($d$는 짝수). 힌트: 각도 행렬 `(t, d/2)`를 만든 뒤 `pe[:, 0::2]`, `pe[:, 1::2]`에
# 나눠 넣으면 됩니다.

# %% solution=["sinusoidal_positions"]

# %% tests="test_sinusoidal_positions"
_pe = sinusoidal_positions(6, 8)
assert _pe.shape == (6, 8), "모양은 (t, d)여야 합니다."
assert torch.allclose(_pe[0], torch.tensor([0.0, 1.0] * 4)), "첫 행(위치 0)은 [0, 1, 0, 1, …]이어야 합니다."
assert abs(_pe[3, 2].item() - math.sin(3 / 10000 ** (2 / 8))) < 1e-5, "PE[p, 2i] = sin(p / 10000^(2i/d))인지 확인하세요."
assert abs(_pe[3, 3].item() - math.cos(3 / 10000 ** (2 / 8))) < 1e-5, "PE[p, 2i+1] = cos(p / 10000^(2i/d))인지 확인하세요."
print("sinusoidal_positions 확인 통과!")

# %% [markdown]
# 위치 인코딩 전체를 그림으로 보면 열마다 주파수가 다른 것이 보입니다. 왼쪽 열은 위치마다 빠르게 바뀌고,
# 오른쪽 열로 갈수록 천천히 바뀝니다. 각 행(위치)은 서로 다른 "바코드"입니다.

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

pe = sinusoidal_positions(100, 64)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4), gridspec_kw={"width_ratios": [3, 2]})
image = ax1.imshow(pe, cmap="RdBu", aspect="auto", vmin=-1, vmax=1)
ax1.set_xlabel("차원 (짝수 = sin, 홀수 = cos)")
ax1.set_ylabel("위치 p")
ax1.set_title("사인파 위치 인코딩 (t = 100, d = 64)")
fig.colorbar(image, ax=ax1)
for column in (0, 10, 30):
    ax2.plot(pe[:, column], label=f"차원 {column}")
ax2.set_xlabel("위치 p")
ax2.set_title("열마다 다른 주파수")
ax2.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 4. 회전 위치 임베딩 (RoPE, Rotary Position Embedding)
#
# LLaMA 같은 최근 모델은 위치 벡터를 **더하지** 않고, 어텐션의 쿼리와 키를 위치에 따라 **회전**합니다.
# 벡터의 이웃한 두 성분 $(x_{2i}, x_{2i+1})$을 평면 위의 점으로 보고 각도 $\varphi = p\,\theta^{-2i/d}$만큼 돌립니다.
#
# $$\begin{pmatrix} x'_{2i} \\ x'_{2i+1} \end{pmatrix} =
#   \begin{pmatrix} \cos\varphi & -\sin\varphi \\ \sin\varphi & \cos\varphi \end{pmatrix}
#   \begin{pmatrix} x_{2i} \\ x_{2i+1} \end{pmatrix}$$
#
# 회전 $R_m$, $R_n$에 대해 $\langle R_m q, R_n k \rangle = \langle q, R_{n-m} k \rangle$ 이므로 어텐션 점수는
# 두 토큰의 **상대 위치** $n - m$에만 의존합니다. 두 위치를 똑같이 7칸 옮겨도 점수는 그대로입니다.
#
# 주의: Hugging Face의 일부 구현(GPT-NeoX 방식)은 벡터를 앞 절반과 뒤 절반으로 나눠 $(x_i, x_{i+d/2})$를 한 쌍으로
# 돌립니다. 이 과정의 규칙은 **이웃한 쌍** $(x_{2i}, x_{2i+1})$입니다. 두 방식은 수학적으로 같은 역할을 하지만
# 값은 다르므로, 가중치를 옮길 때 섞으면 안 됩니다.
#
# 2차원 예: $x = (1, 0)$을 위치 $p = 1$, $i = 0$ (각도 1 라디안)으로 돌리면 $(\cos 1, \sin 1)$입니다.

# %%
angle = 1.0
rotation = torch.tensor([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
print("(1, 0)을 1 라디안 회전:", rotation @ torch.tensor([1.0, 0.0]))

# %% [markdown]
# ### 연습 4: `apply_rope(x, positions, theta=10000.0)`
# `x`는 `(..., T, d)`, `positions`는 길이 `T`의 정수 위치입니다(0, 1, 2, …가 아닐 수도 있습니다. 예를 들어 KV 캐시를
# 쓰는 생성에서는 새 토큰의 위치가 100일 수 있습니다). 배치의 예제마다 위치가 다르면 `positions`는 `(B, T)`처럼
# `x.shape[:-1]`로 브로드캐스트되는 모양이고, 각 예제는 자기 위치로 회전합니다. 힌트: `x[..., 0::2]`와 `x[..., 1::2]`로
# 쌍을 나누고, 각도 행렬 `(..., T, d/2)`를 만들어 브로드캐스트하세요. 입력 텐서를 바꾸지 말고 새 텐서를 돌려주세요.

# %% solution=["apply_rope"]

# %% tests="test_apply_rope"
_x = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
assert torch.allclose(apply_rope(_x, torch.tensor([1])), torch.tensor([[math.cos(1), math.sin(1), 0.0, 0.0]]), atol=1e-6), \
    "x = [1, 0, 0, 0], 위치 1이면 [cos 1, sin 1, 0, 0]이어야 합니다. 이웃한 쌍을 회전했나요?"
_q, _k = torch.randn(1, 16), torch.randn(1, 16)
_s1 = (apply_rope(_q, torch.tensor([3])) * apply_rope(_k, torch.tensor([10]))).sum()
_s2 = (apply_rope(_q, torch.tensor([10])) * apply_rope(_k, torch.tensor([17]))).sum()
assert abs(_s1 - _s2) < 1e-4, "두 위치를 똑같이 옮겼는데 점수가 바뀌었습니다. 각도 p·θ^(-2i/d)를 확인하세요."
_x = torch.randn(2, 5, 8)
assert torch.allclose(apply_rope(_x, torch.arange(5)).norm(dim=-1), _x.norm(dim=-1), atol=1e-5), \
    "회전은 벡터의 길이를 바꾸지 않아야 합니다."
print("apply_rope 확인 통과!")

# %% [markdown]
# 아래 그림은 같은 벡터를 두 위치에 놓고 RoPE를 적용했을 때, 두 벡터의 코사인 유사도가 **상대 거리**에 따라
# 어떻게 변하는지 보여 줍니다(무작위 벡터 200개의 평균). 거리가 멀수록 유사도가 대체로 줄어듭니다.
# 출발 위치를 0에서 50으로 옮겨도 곡선이 똑같다는 것이 "상대 위치에만 의존한다"는 뜻입니다.

# %% tags=["skip-grading"]
d, distances = 64, torch.arange(0, 121)
vectors = torch.randn(200, 1, d)
plt.figure(figsize=(8, 4))
for start, style in ((0, "-"), (50, "--")):
    q_rot = apply_rope(vectors, torch.tensor([start]))                     # (200, 1, d)
    k_rot = apply_rope(vectors.expand(-1, len(distances), -1), start + distances)  # (200, D, d)
    sims = torch.nn.functional.cosine_similarity(q_rot, k_rot, dim=-1).mean(0)
    plt.plot(distances, sims, style, label=f"출발 위치 {start}")
plt.axhline(0, color="gray", linewidth=0.5)
plt.xlabel("상대 거리 n - m")
plt.ylabel("평균 코사인 유사도")
plt.title("RoPE: 상대 거리에 따른 유사도 (d = 64)")
plt.legend()
plt.show()

# %% [markdown]
# ## 5. 코사인 유사도와 최근접 이웃
#
# 임베딩이 학습되면 비슷한 단어가 비슷한 **방향**을 가리킵니다. 방향이 얼마나 같은지는 코사인 유사도로 잽니다.
#
# $$\cos(a, b) = \frac{a \cdot b}{\lVert a \rVert\,\lVert b \rVert} \in [-1, 1]$$
#
# 내적 $a \cdot b$만 쓰면 길이가 긴 벡터(자주 나오는 단어일수록 긴 경우가 많습니다)가 모든 단어와 "가깝게" 나와 버립니다.
# 코사인 유사도는 길이로 나눠 방향만 비교합니다.
#
# ### 연습 5: `cosine_similarity(a, b)`
# 마지막 축을 따라 계산하고 앞쪽 축은 브로드캐스트하세요: `(3, 1, d)`와 `(1, 4, d)` → `(3, 4)`.

# %% solution=["cosine_similarity"]

# %% tests="test_cosine_similarity"
_a, _b = torch.randn(3, 1, 5), torch.randn(1, 4, 5)
assert torch.allclose(cosine_similarity(_a, _b), torch.nn.functional.cosine_similarity(_a, _b, dim=-1), atol=1e-5), \
    "torch의 cosine_similarity와 다릅니다. 두 벡터의 길이로 모두 나눴나요?"
print("cosine_similarity 확인 통과!")

# %% [markdown]
# ### 연습 6: `nearest_neighbors(weight, index, k)`
# 임베딩 행렬 `weight` (V, d)에서 `index`번 토큰과 코사인 유사도가 가장 높은 토큰 k개의 id를 가장 비슷한 것부터
# 리스트로 돌려주세요. 자기 자신(유사도 1)은 빼야 합니다. `k`는 1부터 `V − 1`(자기 자신을 뺀 모든 토큰)까지 올 수
# 있고, 입력 `weight`는 바꾸지 마세요(마지막 절에서 모델의 임베딩 표를 그대로 넘깁니다). 힌트: `torch.topk` 또는
# `torch.argsort`.

# %% solution=["nearest_neighbors"]

# %% tests="test_nearest_neighbors"
_w = torch.tensor([[1.0, 0.0], [10.0, 3.0], [0.0, 1.0], [-1.0, 0.1], [0.9, 0.1]])
assert list(nearest_neighbors(_w, 0, 2)) == [4, 1], \
    "[4, 1]이 나와야 합니다. 자기 자신을 빼고, 내적이 아니라 코사인 유사도로, 큰 것부터 골랐나요?"
print("nearest_neighbors 확인 통과!")

# %% [markdown]
# 손으로 만든 작은 임베딩으로 이웃을 찾아봅시다. 각 단어는 [과일, 동물, 음식, 크기] 네 가지 특징의 정도로
# 표현했습니다(실제 모델에서는 이런 특징이 학습으로 생기고, 각 차원의 뜻도 이렇게 분명하지 않습니다).

# %% tags=["skip-grading"]
words = ["사과", "배", "바나나", "고양이", "강아지", "호랑이", "밥", "빵"]
features = torch.tensor([[0.9, 0.0, 0.7, 0.2],   # 사과
                         [0.8, 0.0, 0.6, 0.3],   # 배
                         [0.9, 0.0, 0.8, 0.3],   # 바나나
                         [0.0, 0.9, 0.0, 0.3],   # 고양이
                         [0.0, 1.0, 0.0, 0.4],   # 강아지
                         [0.0, 0.9, 0.0, 0.9],   # 호랑이
                         [0.1, 0.0, 1.0, 0.1],   # 밥
                         [0.2, 0.0, 0.9, 0.2]])  # 빵
for i, word in enumerate(words):
    print(f"{word:4s} → {[words[j] for j in nearest_neighbors(features, i, 2)]}")

# %% [markdown]
# 손으로 정한 특징이라 이웃이 뻔합니다. 이제 실제로 학습된 임베딩을 봅시다.
#
# ## 6. 과정의 한국어 GPT의 임베딩
#
# 이 과정은 05~08 과제의 부품(BPE 토크나이저, 임베딩, 어텐션, 트랜스포머 블록)으로 작은 한국어 GPT를 직접
# 사전 학습했습니다(`course_model/`, 09 과제부터 생성과 파인 튜닝에 씁니다). 어휘 4,096개, 임베딩 차원 128이고,
# 한국어 텍스트 약 72만 자(헌법과 국회 의안, LibreOffice 도움말, 데비안 FAQ)에서 **다음 토큰을 맞히도록**
# 학습했습니다. 토큰 임베딩 표 $E$ (4096 × 128)의 값은 누가 정한 것이 아니라 그 학습에서 생겼습니다.
#
# 아래 주어진 코드는 05 과제의 `BPETokenizer`와, `course_model/` 폴더에서 가중치와 토크나이저를 읽는
# `load_course_checkpoint`입니다(가중치는 safetensors, 토크나이저는 JSON). **채점 대상이 아니며** 잠겨 있습니다.
# 실행만 하면 됩니다.

# %%
import json
from pathlib import Path

import regex
from safetensors.torch import load_file

# %% support=["05_tokenization:GPT2_PATTERN", "05_tokenization:pretokenize", "05_tokenization:_split_on_special_tokens", "05_tokenization:_merge_word", "05_tokenization:_apply_merges", "05_tokenization:BPETokenizer", "course_model:load_course_checkpoint"]

# %% [markdown]
# ### "안녕" → 벡터
# 교재의 예 "안녕" → [0.1, 0.3, -0.2, ...]를 실제 임베딩 표로 해 봅니다. 토큰화한 뒤 여러분의
# `embedding_lookup`으로 각 토큰의 행을 꺼내 앞의 네 값만 보입니다.

# %% tags=["skip-grading"]
state, tokenizer, config = load_course_checkpoint("course_model")
E = state["tok_emb.weight"]  # 토큰 임베딩 표 (V, d)
print("임베딩 표 E:", tuple(E.shape))


def token_text(token_id):
    """토큰의 바이트를 보기 좋게: 완성된 글자는 글자로, 음절 조각은 \\x.. 로."""
    return tokenizer.vocab[int(token_id)].decode("utf-8", errors="backslashreplace")


for word in ["안녕", " 국민"]:
    ids = tokenizer.encode(word)
    vectors = embedding_lookup(E, torch.tensor(ids))
    print(f"{word!r}: 토큰 {len(ids)}개")
    for token_id, vector in zip(ids, vectors):
        values = ", ".join(f"{v:.2f}" for v in vector[:4].tolist())
        print(f"   id {token_id:4d} {token_text(token_id)!r:>12} → [{values}, ...] ({len(vector)}차원)")

# %% [markdown]
# "안녕"은 이 토크나이저에서 한 토큰이 아닙니다. 학습 말뭉치에 인사말이 거의 없어서(05 과제 5절) `안` 한 토큰과
# `녕`의 UTF-8 바이트 조각 두 토큰이 되고, 모델은 이 세 행을 차례로 봅니다. 말뭉치에 자주 나오는 `" 국민"`은
# 토큰 하나, 벡터 하나입니다. 값 하나하나에는 사람이 읽을 뜻이 없습니다. 뜻은 벡터들 사이의 **관계**에 있습니다.
#
# ### 학습된 임베딩의 최근접 이웃
# 여러분의 `nearest_neighbors`와 `cosine_similarity`로 몇몇 토큰의 이웃을 찾습니다.

# %% tags=["skip-grading"]
token_id = {token: i for i, token in tokenizer.vocab.items()}  # 바이트열 → id
for word in [" 국민", " 대통령", " 법률", " 파일", " 설치", "하여", "을", " 경우"]:
    center = token_id[word.encode()]
    neighbors = nearest_neighbors(E, center, 5)
    sims = cosine_similarity(E[neighbors], E[center])
    print(f"{word!r:>10} →", ", ".join(f"{token_text(j)!r} {s:.2f}" for j, s in zip(neighbors, sims.tolist())))

# %% [markdown]
# 이웃은 대체로 **같은 자리에 쓰이는** 토큰입니다. 조사 `을`의 이웃은 `를`, `으로`, `이` 같은 다른 조사이고,
# 어미 `하여`의 이웃은 `하거나`, `하고`, `하면`입니다. `" 대통령"` 곁에는 `" 국무총리"`, `" 국회의원"`이,
# `" 파일"` 곁에는 `" 문서"`가 있습니다. 모델은 단어의 뜻을 따로 배운 적이 없습니다. 다음 토큰을 맞히는 데
# 같은 정보를 주는 토큰(비슷한 문맥에 나오는 토큰)이 비슷한 벡터를 갖게 되었을 뿐입니다. 작은 모델이라 이웃에
# 엉뚱한 토큰이나 바이트 조각이 섞이기도 합니다.
#
# ### 2차원으로 보기 (PCA)
# 128차원은 그릴 수 없으므로 주성분 분석(PCA)으로 분산이 가장 큰 두 방향에 투영합니다. 다섯 무리(조사, 어미,
# 법·행정 낱말, 컴퓨터 낱말, 숫자)의 토큰을 골라, 코사인 유사도처럼 방향만 보도록 길이를 1로 맞춘 뒤 그 토큰들로
# PCA를 맞춥니다(scikit-learn의 `PCA`).

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt
from sklearn.decomposition import PCA

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

groups = {
    "조사": ["을", "를", "이", "가", "은", "는", "의", "에서", "으로"],
    "어미": ["하여", "하고", "하면", "하는", "하거나", "하며", "되는"],
    "법·행정": [" 국민", " 정부", " 대통령", " 국회", " 법률", " 헌법", " 국무총리", " 예산"],
    "컴퓨터": [" 파일", " 문서", " 프로그램", " 설치", " 다운로드", " 설정", " 디렉토리"],
    "숫자": [" 0", " 1", " 2", " 3", " 5", " 10"],
}
chosen = [(group, word) for group, words in groups.items() for word in words]
vectors = E[[token_id[word.encode()] for _, word in chosen]]
unit = vectors / vectors.norm(dim=-1, keepdim=True)
pca = PCA(n_components=2)
points = pca.fit_transform(unit.numpy())

fig, ax = plt.subplots(figsize=(9, 6.5))
for group in groups:
    rows = [k for k, (g, _) in enumerate(chosen) if g == group]
    ax.scatter(points[rows, 0], points[rows, 1], s=40, label=group)
    for k in rows:
        ax.annotate(chosen[k][1].strip(), points[k], xytext=(4, 3), textcoords="offset points", fontsize=10)
share = pca.explained_variance_ratio_
ax.set_xlabel(f"첫째 주성분 (분산의 {share[0]:.0%})")
ax.set_ylabel(f"둘째 주성분 (분산의 {share[1]:.0%})")
ax.set_title("과정의 한국어 GPT: 토큰 임베딩의 2차원 투영 (PCA)")
ax.legend()
plt.show()

# %% [markdown]
# 대부분의 토큰이 같은 무리끼리 모여 있습니다. 모델은 "조사", "숫자" 같은 이름을 들은 적이 없는데도, 문맥에서
# 쓰이는 방식이 같은 토큰들을 임베딩 공간의 같은 쪽에 두었습니다. 예외도 있습니다: `다운로드`는 컴퓨터 낱말보다
# 법·행정 낱말 곁에 있습니다(학습 텍스트에서 어떤 문장에 나오는지 생각해 보세요). 두 축이 담는 분산은 일부뿐이므로(축 이름의 %) 2차원
# 그림에서 가까워 보여도 128차원에서는 멀 수 있습니다. 이웃을 판단할 때는 위의 코사인 유사도를 믿으세요.
#
# 생각해 볼 것:
# - `" 1"`의 이웃을 찾아보세요. 숫자 토큰끼리는 얼마나 비슷한가요?
# - 바이트 조각 토큰(예: `"안녕"`의 둘째 토큰)의 이웃은 어떤 토큰인가요? 왜 그럴까요?
