# %% [markdown]
# # 08. 피드 포워드 네트워크와 층 쌓기 (Feed-Forward Network, Stacking Layers)
#
# > **피드 포워드 네트워크**: 각 토큰의 표현을 더욱 풍부하게 만듭니다.
# > 간단한 설명: 각 단어의 의미를 더 깊이 있게 해석하는 과정입니다.
# >
# > **층 쌓기**: 위의 과정을 여러 번 반복하여 깊은 이해를 얻습니다.
# > 쉬운 설명: 글을 여러 번 읽으면서 점점 더 깊이 있게 이해하는 것과 비슷합니다.
#
# 07 과제에서 만든 셀프 어텐션에 나머지 부품을 붙여 **작은 GPT**를 완성합니다.
#
# 1. 레이어 정규화 `layer_norm`
# 2. GELU 활성화 `gelu`와 피드 포워드 네트워크 `FeedForward`
# 3. 프리-LN 트랜스포머 블록 `TransformerBlock`
# 4. 블록을 쌓은 언어 모델 `MiniGPT` (출력 헤드와 토큰 임베딩의 가중치 공유)
# 5. 파라미터 수 공식 `count_parameters`
#
# 여러분의 함수와 모듈은 PyTorch의 것(`nn.LayerNorm`, `nn.GELU`, `nn.TransformerEncoderLayer`)과 **값, dtype,
# 기울기**까지 같아야 합니다. float64 입력과 가중치에는 float64 결과를 돌려주고, torch 연산만으로 계산해 자동 미분이
# 모든 파라미터의 기울기를 구할 수 있게 하세요(`.detach()`, `.numpy()`, `.item()`, `.data`, `torch.no_grad()`로 계산
# 그래프를 끊지 마세요). 입력 텐서는 바꾸지 말고 새 텐서를 돌려주세요.
#
# 여기서 만드는 `MiniGPT`가 이 과정에서 한국어 텍스트로 사전 학습해 09~11 과제에서 쓰는 모델의 구조입니다.
#
# ## 개요
# 트랜스포머 블록 하나는 두 단계로 이루어집니다.
#
# - **셀프 어텐션**: 토큰들이 서로 정보를 주고받습니다(07 과제).
# - **피드 포워드 네트워크(FFN)**: 각 토큰이 받은 정보를 **혼자서** 가공합니다. 모든 위치에 같은
#   2층 신경망을 따로따로 적용합니다: $\mathrm{FFN}(x) = W_2\,\mathrm{GELU}(W_1 x + b_1) + b_2$.
#
# 두 단계 모두 **잔차 연결**(residual, $x + f(x)$)과 **레이어 정규화**로 감쌉니다. 이 블록을 여러 층 쌓으면
# 아래층은 가까운 단어의 관계를, 위층은 더 넓은 문맥을 다룰 수 있습니다.
#
# ## 이유
# - 어텐션은 값 벡터의 가중 평균일 뿐이라 비선형 변환이 거의 없습니다. FFN이 토큰마다 비선형 변환을 더해
#   표현을 풍부하게 만듭니다(모델 파라미터의 약 2/3가 FFN에 있습니다).
# - 층을 쌓을수록 표현력이 커지지만 학습이 어려워집니다. 잔차 연결은 기울기가 흐르는 지름길을,
#   레이어 정규화는 각 층 입력의 크기를 일정하게 유지해 깊은 모델의 학습을 안정시킵니다.
#
# ## 장점
# - 같은 블록을 반복하므로 구조가 단순하고, 층 수·폭만 바꿔 모델 크기를 쉽게 조절합니다.
# - 프리-LN(정규화를 부분층 앞에 둠)은 학습률 워밍업 없이도 비교적 안정적으로 학습됩니다(GPT-2 이후 표준).
#
# ## 단점
# - 층이 많을수록 계산량, 메모리, 추론 지연이 층 수에 비례해 늘어납니다.
# - 파라미터가 $d_{model}^2$에 비례해 늘어나므로 폭을 두 배로 하면 블록의 파라미터는 약 네 배가 됩니다.
#
# ## 주요 사용 시기
# - GPT, BERT 등 모든 트랜스포머 언어 모델의 본체입니다. GPT는 인과 마스크를 쓴 블록을 쌓고,
#   마지막 층의 결과로 다음 토큰을 예측합니다(2.6 출력 생성, 09 과제).

# %%
import math

import torch
from torch import nn

# %% [markdown]
# ## 주어진 코드: 멀티 헤드 셀프 어텐션 (07 과제)
#
# 07 과제의 `softmax`, `causal_mask`, `attention_weights`, `scaled_dot_product_attention`,
# `MultiHeadSelfAttention`을 그대로 씁니다(07 과제의 모범 답안). 이 셀은 **채점 대상이 아니며** 잠겨 있습니다.
# 실행만 하면 됩니다.

# %% support=["07_attention:softmax", "07_attention:causal_mask", "07_attention:attention_weights", "07_attention:scaled_dot_product_attention", "07_attention:MultiHeadSelfAttention"]

# %% [markdown]
# ## 1. 레이어 정규화 (Layer Normalization)
#
# 각 토큰의 벡터 $x \in \mathbb{R}^D$를 **그 토큰 안에서**(마지막 축) 평균 0, 분산 1로 맞춘 뒤,
# 학습되는 배율 $\gamma$(`weight`)와 이동 $\beta$(`bias`)를 적용합니다.
#
# $$\mu = \frac{1}{D}\sum_i x_i,\qquad \sigma^2 = \frac{1}{D}\sum_i (x_i-\mu)^2,\qquad
# y = \frac{x-\mu}{\sqrt{\sigma^2+\varepsilon}}\,\gamma + \beta$$
#
# 주의할 점 세 가지:
# - 분산은 $D$로 나눕니다(편향 분산). `torch.var`의 기본값은 $D-1$로 나누므로 `unbiased=False`
#   (또는 `correction=0`)가 필요합니다. 아래에서 차이를 확인하세요.
# - $\varepsilon$은 **제곱근 안에** 더합니다.
# - 배치 정규화와 달리 배치 축이나 시간 축이 아니라 **특징 축(마지막 축)** 으로 정규화합니다.

# %%
v = torch.tensor([1.0, 2.0, 3.0, 6.0])
print("torch.var 기본값 (D-1로 나눔):", v.var().item())
print("편향 분산 (D로 나눔):        ", v.var(unbiased=False).item(), "=", ((v - v.mean()) ** 2).mean().item())

# %% [markdown]
# ### 연습 1: `layer_norm(x, weight, bias, eps=1e-5)`

# %% solution=["layer_norm"]

# %% tests="test_layer_norm"
_ln = nn.LayerNorm(6, eps=0.1)
with torch.no_grad():
    _ln.weight.normal_()
    _ln.bias.normal_()
_x = torch.randn(2, 3, 6)
with torch.no_grad():
    assert torch.allclose(layer_norm(_x, _ln.weight, _ln.bias, eps=0.1), _ln(_x), atol=1e-5), \
        "nn.LayerNorm과 값이 다릅니다. 편향 분산(D로 나눔)을 썼는지, ε을 제곱근 안에 더했는지, " \
        "마지막 축으로 정규화했는지 확인하세요."
print("layer_norm 확인 통과!")

# %% [markdown]
# ## 2. GELU와 피드 포워드 네트워크
#
# GELU(Gaussian Error Linear Unit)는 입력에 "그 값이 표준정규분포에서 뽑은 값보다 클 확률"을 곱합니다.
#
# $$\mathrm{GELU}(x) = x\,\Phi(x) = \tfrac12\,x\left(1 + \mathrm{erf}\!\left(x/\sqrt2\right)\right)$$
#
# ReLU와 비슷하지만 0 근처에서 매끄럽고, 작은 음수를 조금 통과시킵니다. GPT-2는 계산이 빠른 tanh 근사식을
# 썼지만, 이 과정에서는 **정확한 erf 형태**를 씁니다(PyTorch `nn.GELU()`의 기본값). 두 식의 차이는
# $x \approx \pm 2.7$에서 가장 크고, 그 크기는 약 $4.7 \times 10^{-4}$입니다(아래 셀에서 직접 잽니다). 작은 차이지만
# 학습된 가중치를 옮겨 쓸 때는 모델이 학습한 식과 같은 식을 써야 출력이 정확히 같습니다.
#
# %%
x_grid = torch.linspace(-6, 6, 120_001, dtype=torch.float64)
gap = (nn.functional.gelu(x_grid) - nn.functional.gelu(x_grid, approximate="tanh")).abs()
print(f"정확한 GELU와 tanh 근사의 최대 차이: {gap.max().item():.2e} (x = {x_grid[gap.argmax()].item():.2f})")

# %% [markdown]
# ### 연습 2: `gelu(x)`
# `torch.erf`를 쓰세요. `torch.nn.functional.gelu`를 그대로 부르지 마세요.

# %% solution=["gelu"]

# %% tests="test_gelu"
_x = torch.linspace(-6, 6, 101)
assert torch.allclose(gelu(_x), nn.GELU()(_x), atol=1e-6), \
    "nn.GELU()와 값이 다릅니다. tanh 근사식이 아니라 0.5·x·(1 + erf(x/√2))를 쓰세요."
print("gelu 확인 통과!")

# %% [markdown]
# ### 연습 3: `FeedForward(d_model, d_ff)`
# 속성 `fc1 = nn.Linear(d_model, d_ff)`, `fc2 = nn.Linear(d_ff, d_model)`을 만들고
# `forward(x) = fc2(gelu(fc1(x)))`를 구현하세요. 보통 $d_{ff} = 4\,d_{model}$이지만 인자로 받은 값을 쓰세요.

# %% solution=["FeedForward"]

# %% tests="test_feed_forward"
_ff = FeedForward(6, 10)
_x = torch.randn(2, 3, 6)
with torch.no_grad():
    assert _ff(_x).shape == (2, 3, 6), "출력 모양은 입력과 같은 (..., d_model)이어야 합니다."
    assert torch.allclose(_ff(_x), _ff.fc2(nn.GELU()(_ff.fc1(_x))), atol=1e-6), "fc2(gelu(fc1(x)))가 아닙니다."
print("FeedForward 확인 통과!")

# %% [markdown]
# ## 3. 프리-LN 트랜스포머 블록
#
# 원래 트랜스포머(2017)는 부분층 **뒤에** 정규화했습니다(Post-LN: $\mathrm{LN}(x + f(x))$).
# GPT-2부터는 부분층 **앞에** 정규화하는 Pre-LN을 씁니다.
#
# $$h = x + \mathrm{Attn}(\mathrm{LN}_1(x)),\qquad \mathrm{out} = h + \mathrm{FFN}(\mathrm{LN}_2(h))$$
#
# 잔차에 더하는 값은 정규화하기 **전**의 $x$, $h$입니다. 그래서 정규화되지 않은 "잔차 스트림"이 층을 따라
# 그대로 흐르고, 각 부분층은 그 위에 조금씩 더할 뿐입니다.
#
# ### 연습 4: `TransformerBlock(d_model, n_heads, d_ff)`
# 속성 `ln1`, `ln2` (`nn.LayerNorm(d_model)`), `attn` (위의 `MultiHeadSelfAttention`), `ff` (`FeedForward`).
# `forward(x)`는 입력 길이 $T$에 맞는 `causal_mask(T)`를 만들어 어텐션에 넘기세요(GPT는 미래를 보지 않습니다).

# %% solution=["TransformerBlock"]

# %% tests="test_transformer_block"
_block = TransformerBlock(12, 3, 20)
_layer = nn.TransformerEncoderLayer(12, 3, 20, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
with torch.no_grad():
    _a = _block.attn
    _layer.self_attn.in_proj_weight.copy_(torch.cat([_a.q_proj.weight, _a.k_proj.weight, _a.v_proj.weight]))
    _layer.self_attn.in_proj_bias.copy_(torch.cat([_a.q_proj.bias, _a.k_proj.bias, _a.v_proj.bias]))
    _layer.self_attn.out_proj.load_state_dict(_a.o_proj.state_dict())
    _layer.norm1.load_state_dict(_block.ln1.state_dict())
    _layer.norm2.load_state_dict(_block.ln2.state_dict())
    _layer.linear1.load_state_dict(_block.ff.fc1.state_dict())
    _layer.linear2.load_state_dict(_block.ff.fc2.state_dict())
    _x = torch.randn(2, 5, 12)
    # PyTorch의 불리언 마스크는 True = 가림이라 ~를 붙입니다.
    assert torch.allclose(_block(_x), _layer.eval()(_x, src_mask=~causal_mask(5)), atol=1e-5), \
        "nn.TransformerEncoderLayer(norm_first=True)와 값이 다릅니다. 프리-LN 순서와 잔차, 인과 마스크를 확인하세요."
print("TransformerBlock 확인 통과!")

# %% [markdown]
# ## 4. 층 쌓기: `MiniGPT`
#
# 1. **임베딩**: 토큰 임베딩 `tok_emb(ids)` (B, T, d)에 위치 임베딩 `pos_emb(0..T-1)` (T, d)를 더합니다.
#    위치 임베딩은 배치의 모든 문장에 똑같이 더해집니다(브로드캐스팅: (T, d) → (B, T, d)).
# 2. **블록 n_layers개**를 차례로 통과합니다.
# 3. **마지막 LayerNorm** `ln_f`: 프리-LN에서는 마지막 블록의 출력이 정규화되지 않은 상태라 한 번 더 정규화합니다.
# 4. **출력 헤드**: 각 위치의 벡터를 어휘 크기의 점수(logits)로 바꿉니다: $\mathrm{logits} = h\,E^\top$.
#
# **가중치 공유(weight tying)**: 헤드의 가중치 $(V, d)$를 토큰 임베딩 $E$ $(V, d)$와 **같은 텐서**로 씁니다.
# "토큰을 벡터로" 바꾸는 일과 "벡터를 토큰 점수로" 바꾸는 일이 서로 거꾸로이기 때문이고, $V \cdot d$개의
# 파라미터를 아낍니다. 복사(`.clone()`, `copy_`)하면 처음에는 같아도 학습하면서 갈라지므로 공유가 아닙니다.
# 예: `self.head = nn.Linear(d_model, vocab_size, bias=False)` 뒤에 `self.head.weight = self.tok_emb.weight`
# (또는 헤드 없이 `h @ self.tok_emb.weight.T`).

# %%
emb = nn.Embedding(5, 3)
head = nn.Linear(3, 5, bias=False)
head.weight = emb.weight  # 같은 Parameter 객체를 가리킴
with torch.no_grad():
    emb.weight[0, 0] = 100.0
print("공유된 헤드도 바뀜:", head.weight[0, 0].item(), "| 같은 메모리:", head.weight.data_ptr() == emb.weight.data_ptr())

# %% [markdown]
# ### 연습 5: `MiniGPT(vocab_size, n_ctx, d_model, n_layers, n_heads, d_ff)`
# 속성 `tok_emb`, `pos_emb`, `blocks` (`nn.ModuleList`), `ln_f`와 `tok_emb`에 묶인 출력 헤드.
# `forward(ids)`: ids `(B, T)` (T ≤ n_ctx) → logits `(B, T, vocab_size)`.

# %% solution=["MiniGPT"]

# %% tests="test_mini_gpt"
_gpt = MiniGPT(vocab_size=11, n_ctx=8, d_model=12, n_layers=2, n_heads=3, d_ff=20)
_ids = torch.randint(0, 11, (3, 5))
with torch.no_grad():
    _logits = _gpt(_ids)
    assert _logits.shape == (3, 5, 11), "logits의 모양은 (B, T, vocab_size)여야 합니다."
    _changed = _ids.clone()
    _changed[:, 3:] = (_changed[:, 3:] + 1) % 11
    assert torch.allclose(_gpt(_changed)[:, :3], _logits[:, :3], atol=1e-5), "뒤 토큰을 바꿨더니 앞 위치의 logits가 바뀌었습니다."
    _gpt.tok_emb.weight.mul_(2.0)
    _x = _gpt.tok_emb(_ids) + _gpt.pos_emb(torch.arange(5))
    for _b in _gpt.blocks:
        _x = _b(_x)
    assert torch.allclose(_gpt(_ids), _gpt.ln_f(_x) @ _gpt.tok_emb.weight.T, atol=1e-5), \
        "출력 헤드가 토큰 임베딩과 가중치를 공유하지 않거나, ln_f를 빠뜨렸습니다."
print("MiniGPT 확인 통과!")

# %% [markdown]
# ## 5. 파라미터 수
#
# 모델 크기를 말할 때 쓰는 "파라미터 수"를 공식으로 세어 봅시다. $d = d_{model}$일 때 블록 하나에는
#
# | 부품 | 파라미터 |
# |---|---|
# | LayerNorm 2개 ($\gamma, \beta$) | $2 \cdot 2d$ |
# | 어텐션 투영 4개 (가중치 + bias) | $4(d^2 + d)$ |
# | FFN: fc1, fc2 | $d \cdot d_{ff} + d_{ff} + d_{ff} \cdot d + d$ |
#
# 가 있고, 모델 전체에는 토큰 임베딩 $V d$ (헤드와 공유하므로 한 번만), 위치 임베딩 $n_{ctx} d$,
# 마지막 LayerNorm $2d$가 더해집니다. 어텐션 헤드 수는 파라미터 수에 영향을 주지 않습니다(같은 $d \times d$
# 행렬을 나눠 쓸 뿐입니다).
#
# ### 연습 6: `count_parameters(vocab_size, n_ctx, d_model, n_layers, d_ff)`
# 공식으로 계산하세요(모델을 만들어 세지 말고). 아래 셀이 여러분의 `MiniGPT`와 비교합니다. 모델의
# `parameters()`는 공유된 텐서를 한 번만 돌려줍니다.

# %% solution=["count_parameters"]

# %% tests="test_count_parameters"
for _cfg in [(11, 8, 12, 2, 3, 20), (50, 16, 16, 3, 4, 64)]:
    _model = MiniGPT(*_cfg)
    _v, _n_ctx, _d, _layers, _heads, _d_ff = _cfg
    assert count_parameters(_v, _n_ctx, _d, _layers, _d_ff) == sum(p.numel() for p in _model.parameters()), \
        "모델의 실제 파라미터 수와 다릅니다. 부품별로 가중치와 bias를 빠짐없이 셌는지, 공유된 헤드를 두 번 세지 않았는지 확인하세요."
print("GPT-2 small (V=50257, n_ctx=1024, d=768, 12층):", f"{count_parameters(50257, 1024, 768, 12, 3072):,}")
print("count_parameters 확인 통과!")

# %% [markdown]
# ## 6. 층을 지나며 토큰의 표현은 어떻게 변할까?
#
# 작은 `MiniGPT`를 짧은 한국어 문장 몇 개로 몇 초 동안 학습시킨 뒤(글자 단위 토큰), "나는 사과를 먹었다"의
# 각 토큰 표현이 층을 지나며 어떻게 바뀌는지 봅니다.
#
# - 왼쪽: 층마다 각 토큰의 표현이 **처음 임베딩과 얼마나 닮았는지**(코사인 유사도). 잔차 연결 덕분에 표현은
#   한 번에 바뀌지 않고 층마다 조금씩 바뀝니다.
# - 오른쪽: 중간 층의 표현에 곧바로 `ln_f`와 출력 헤드를 붙여 "다음 글자"를 예측해 보면(로짓 렌즈),
#   정답 글자의 확률이 층을 지나며 어떻게 커지는지 보입니다. 층을 쌓을수록 예측이 점점 완성됩니다.
#
# (학습 데이터가 아주 작아서 결과는 실행마다 조금 다를 수 있습니다.)

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

corpus = ["나는 사과를 먹었다", "너는 사과를 샀다", "나는 밥을 먹었다", "그는 책을 읽었다",
          "나는 책을 샀다", "너는 밥을 먹었다", "그는 사과를 먹었다", "나는 물을 마셨다"]
chars = sorted(set("".join(corpus)) | {"."})
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in ". ".join(corpus * 20)])

torch.manual_seed(0)
demo = MiniGPT(len(chars), n_ctx=16, d_model=32, n_layers=4, n_heads=4, d_ff=128)
optimizer = torch.optim.AdamW(demo.parameters(), lr=3e-3)
for step in range(200):
    starts = torch.randint(0, len(data) - 17, (16,))
    batch = torch.stack([data[s:s + 17] for s in starts])
    logits = demo(batch[:, :-1])
    loss = nn.functional.cross_entropy(logits.reshape(-1, len(chars)), batch[:, 1:].reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"마지막 학습 손실: {loss.item():.3f}")

sentence = "나는 사과를 먹었다"
ids = torch.tensor([[stoi[c] for c in sentence]])
with torch.no_grad():
    states = [demo.tok_emb(ids) + demo.pos_emb(torch.arange(ids.shape[1]))]
    for block in demo.blocks:
        states.append(block(states[-1]))
    states = [s[0] for s in states]  # (T, d) per layer

cos = nn.functional.cosine_similarity
to_input = torch.stack([cos(s, states[0], dim=-1) for s in states])  # (층 수 + 1, T)
# 로짓 렌즈(logit lens): 중간 층의 표현에 바로 ln_f와 출력 헤드를 붙여 "다음 글자" 예측을 읽어 봅니다.
with torch.no_grad():
    next_ids = ids[0, 1:]
    p_next = [torch.softmax(demo.ln_f(s) @ demo.tok_emb.weight.T, dim=-1)[:-1].gather(1, next_ids[:, None]).mean().item()
              for s in states]

labels = [c if c != " " else "_" for c in sentence]
layer_names = ["임베딩"] + [f"블록 {i}" for i in range(1, len(states))]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
image = ax1.imshow(to_input, cmap="viridis", vmin=0, vmax=1, aspect="auto")
ax1.set_xticks(range(len(labels)), labels)
ax1.set_yticks(range(len(states)), layer_names)
ax1.set_title("처음 임베딩과의 코사인 유사도")
fig.colorbar(image, ax=ax1)
ax2.plot(range(len(states)), p_next, marker="o")
ax2.set_xticks(range(len(states)), layer_names)
ax2.set_ylim(0, 1)
ax2.set_ylabel("정답 다음 글자의 평균 확률")
ax2.set_title("층마다 읽어 본 다음 글자 예측")
plt.tight_layout()
plt.show()

# %% [markdown]
# 생각해 볼 것:
# - 오른쪽 그림에서 예측은 몇 번째 블록쯤에서 거의 완성되나요? 위치별 확률(평균하기 전)을 출력해서,
#   문맥이 필요한 글자(예: "사과를" 다음의 "먹")는 어느 층부터 잘 맞히는지 찾아보세요.
# - `n_layers`를 1로 줄이거나 8로 늘려 다시 학습시키면 손실과 그림이 어떻게 달라지나요?
