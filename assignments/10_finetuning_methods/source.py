# %% [markdown]
# # 10. 파인 튜닝 기법 (Fine-tuning Methods)
#
# > 파인 튜닝은 사전 학습된 대규모 언어 모델을 특정 작업이나 도메인에 맞게 추가로 학습시키는 과정입니다.
#
# 09 과제에서 쓴 **작은 한국어 GPT**(`course_model/`)는 다음 토큰을 맞히도록 사전 학습되었습니다. 이 과제에서는
# 이 모델을 **한국어 문단 분류**(어느 프로그램의 도움말 문단인가?)에 맞게 고치는 다섯 가지 방법을 직접 구현하고,
# 같은 데이터·같은 모델에서 **학습 파라미터 수, 시간, 메모리, 정확도**를 재어 비교합니다.
#
# 1. 학습되는 파라미터 세기 `count_trainable_parameters`
# 2. 부분 파인 튜닝 `freeze_lower_layers`
# 3. LoRA `LoRALinear`, `apply_lora`
# 4. 어댑터 `BottleneckAdapter`
# 5. 프롬프트 튜닝 `SoftPrompt` (글로 초기화하는 `init_from_text` 포함)
# 6. 실험: 다섯 방법을 한국어 분류 작업에서 비교 (표와 그림)
#
# ## 파인 튜닝 이해하기 (개요)
# - **전이 학습의 한 형태**: 사전 학습에서 얻은 지식(한국어 토큰의 뜻, 문장 구조)을 새 작업에 씁니다.
# - **효율성**: 처음부터 학습하는 것보다 시간과 자원을 아낍니다.
# - **성능 향상**: 특정 작업의 성능을 크게 올릴 수 있습니다.
# - **적은 데이터로도 가능**: 모델이 이미 아는 것이 많아 레이블이 적어도 잘 배웁니다 — 실험에서 레이블 300개로 확인합니다.
#
# 다섯 기법의 차이는 **무엇을 학습하느냐**입니다. 모두 같은 사전 학습 GPT 위에 새 **분류 헤드**
# (`nn.Linear(d_model, 클래스 수)`)를 얹는데, 헤드는 처음 보는 층이라 언제나 학습합니다.
#
# | 기법 | 학습하는 것 | 그대로 두는 것 |
# |---|---|---|
# | 전체 파인 튜닝 | 모든 파라미터 | 없음 |
# | 부분 파인 튜닝 | 위쪽 블록(들) + 헤드 | 임베딩, 아래쪽 블록 |
# | 어댑터 | 블록 사이에 끼운 작은 병목 층 + 헤드 | 원래 모델 전체 |
# | 프롬프트 튜닝 | 입력 앞에 붙인 가상 토큰 임베딩 + 헤드 | 원래 모델 전체 |
# | LoRA | 선형층 옆의 저차원 행렬 A, B + 헤드 | 원래 모델 전체 |

# %%
import copy
import html
import importlib.util
import json
import math
import os
import re
import time
from pathlib import Path

import regex
import torch
from safetensors.torch import load_file
from torch import nn
from torch.nn import functional as F

# %% [markdown]
# ## 주어진 코드
# 아래 셀들은 앞 과제의 코드와 이 과제의 도우미입니다. **채점 대상이 아니며** 수정하지 마세요. 실행만 하면 됩니다.
# - 07·08의 작은 GPT(`MiniGPT`), 05의 BPE 토크나이저, 09의 `load_course_model`
# - `GPTClassifier(gpt, n_classes)`: GPT 위에 분류 헤드를 얹은 모델. GPT는 인과 마스크를 쓰므로 **마지막 실제 토큰**의
#   은닉 상태만 문장 전체를 봅니다 — 그 위치의 벡터를 헤드에 넣습니다. `inputs_embeds`를 주면 토큰 임베딩 대신 씁니다.
# - `trainable_parameter_names(model)`: 학습되는 파라미터 이름 목록, `train_steps(model, inputs, labels, steps, lr,
#   weight_decay)`: 같은 배치로 AdamW 몇 걸음 (옵티마이저에 **모든** 파라미터를 넣습니다).

# %% support=["07_attention:softmax", "07_attention:causal_mask", "07_attention:attention_weights", "07_attention:scaled_dot_product_attention", "07_attention:MultiHeadSelfAttention", "08_transformer_block:layer_norm", "08_transformer_block:gelu", "08_transformer_block:FeedForward", "08_transformer_block:TransformerBlock", "08_transformer_block:MiniGPT"]

# %% support=["05_tokenization:GPT2_PATTERN", "05_tokenization:pretokenize", "05_tokenization:_split_on_special_tokens", "05_tokenization:_merge_word", "05_tokenization:_apply_merges", "05_tokenization:BPETokenizer", "course_model:load_course_model"]

# %% support=["10_finetuning_methods:GPTClassifier", "10_finetuning_methods:trainable_parameter_names", "10_finetuning_methods:train_steps"]

# %% [markdown]
# ## 1. 학습되는 파라미터 세기
# 파라미터마다 `requires_grad`가 있습니다. `False`이면 역전파가 그 파라미터의 기울기를 만들지 않고(`grad`는 `None`),
# 옵티마이저도 건너뜁니다 — 이것이 "얼리기(freeze)"입니다. 파인 튜닝 기법을 비교하는 첫 번째 숫자는
# **학습되는 원소의 개수**입니다.
#
# 08의 `MiniGPT`처럼 출력 헤드가 토큰 임베딩과 **같은 텐서**를 쓰면(가중치 묶기), 그 텐서는 한 번만 세야 합니다.
# `model.parameters()`는 같은 파라미터를 한 번만 돌려줍니다.

# %% solution=["count_trainable_parameters"]

# %% tests="test_count"
_m = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
assert count_trainable_parameters(_m) == 3 * 4 + 4 + 4 * 2 + 2, "모든 파라미터가 학습될 때는 전체 원소 수와 같아야 합니다."
_m[0].requires_grad_(False)
assert count_trainable_parameters(_m) == 4 * 2 + 2, "requires_grad=False인 파라미터는 세지 않습니다."
print("count_trainable_parameters: 통과")

# %% [markdown]
# ## 2. 전체 파인 튜닝과 부분 파인 튜닝
#
# ### 전체 파인 튜닝 (Full Fine-tuning)
# 모든 모델 파라미터를 업데이트합니다. 가장 일반적인 방법입니다. 구현할 것이 없습니다: `GPTClassifier`를 만들어 모든
# 파라미터를 학습하면 됩니다.
#
# - **주요 사용 시기**: 충분한 계산 자원이 있을 때, 대규모의 타겟 데이터셋이 있을 때, 소스 작업과 타겟 작업이 상당히 다를 때.
# - **장점**: 가장 높은 성능 향상 가능성, 모델의 모든 부분을 타겟 작업에 최적화.
# - **단점**: 높은 계산 비용(모든 파라미터의 기울기와 옵티마이저 상태), 많은 저장 공간(작업마다 모델 전체를 저장),
#   과적합 위험이 높음(데이터가 적으면 사전 학습 지식을 덮어씀).
#
# ### 부분 파인 튜닝 (Partial Fine-tuning)
# 모델의 일부 층만 업데이트합니다. 아래층은 토큰·문법 같은 일반적인 특징을, 위층은 작업에 가까운 특징을 담는 경향이
# 있어서 주로 **상위 층을 튜닝하고 하위 층은 고정**합니다.
#
# - **주요 사용 시기**: 계산 자원이 제한적일 때, 소스 작업과 타겟 작업이 유사할 때, 적은 양의 타겟 데이터만 있을 때.
# - **장점**: 전체 파인 튜닝보다 효율적, 과적합 위험 감소, 더 빠른 학습과 적은 메모리 사용
#   (얼린 아래층은 역전파할 필요조차 없습니다).
# - **단점**: 전체 파인 튜닝에 비해 성능 향상이 제한적일 수 있음, 어떤 층을 튜닝할지 결정하는 것이 어려울 수 있음.
#
# `freeze_lower_layers(model, n)`은 `GPTClassifier`에서 위쪽 `n`개 블록(`gpt.blocks[L-n:]`), 마지막 LayerNorm
# `gpt.ln_f`, 분류 헤드 `head`만 학습하게 하고 나머지(토큰·위치 임베딩, 아래쪽 블록)는 얼립니다.
#
# **함정 두 가지.**
# 1. 얼리기는 `requires_grad=False`입니다. 기울기를 0으로 만드는 것(훅, `grad.zero_()`)은 얼리기가 아닙니다:
#    AdamW는 가중치 감쇠 $\theta \leftarrow \theta - \eta\lambda\theta$를 기울기와 상관없이 적용하므로, 기울기가 0이어도
#    파라미터가 움직입니다. 기울기가 `None`인 파라미터만 건너뜁니다.
# 2. `blocks[-n:]`은 `n = 0`일 때 **모든** 블록입니다(`-0 == 0`). `blocks[len(blocks) - n:]`으로 쓰세요.

# %% solution=["freeze_lower_layers"]

# %% tests="test_freeze"
torch.manual_seed(0)
_clf = GPTClassifier(MiniGPT(11, 8, 6, 3, 2, 10), 3)
freeze_lower_layers(_clf, 1)
_names = trainable_parameter_names(_clf)
assert "head.weight" in _names, "새 분류 헤드는 학습해야 합니다."
assert any(n.startswith("gpt.blocks.2.") for n in _names), "맨 위 블록(blocks[2])은 학습해야 합니다."
assert not any(n.startswith(("gpt.blocks.0.", "gpt.blocks.1.", "gpt.tok_emb", "gpt.pos_emb")) for n in _names), \
    "임베딩과 아래쪽 블록은 얼려야 합니다 (requires_grad=False)."
_before = _clf.gpt.blocks[0].ff.fc1.weight.clone()
train_steps(_clf, (torch.tensor([[1, 2, 3]]), torch.ones(1, 3)), torch.tensor([1]), 3, 0.01, weight_decay=0.1)
assert torch.equal(_clf.gpt.blocks[0].ff.fc1.weight, _before), "얼린 층이 AdamW 학습 중에 바뀌었습니다."
freeze_lower_layers(_clf, 0)
assert not any(n.startswith("gpt.blocks.") for n in trainable_parameter_names(_clf)), "n = 0이면 블록은 하나도 학습하지 않습니다."
print("freeze_lower_layers: 통과")

# %% [markdown]
# ## 3. LoRA (Low-Rank Adaptation)
# 저차원(low-rank) 업데이트를 통해 모델을 효율적으로 튜닝합니다. 선형층의 가중치 $W \in \mathbb{R}^{d_{out}\times d_{in}}$는
# 그대로 얼려 두고, 바뀌는 양 $\Delta W$를 두 개의 작은 행렬의 곱으로 나타냅니다:
#
# $$ y = W x + b + \frac{\alpha}{r}\, B A x, \qquad A \in \mathbb{R}^{r\times d_{in}},\; B \in \mathbb{R}^{d_{out}\times r},\; r \ll d $$
#
# - 학습되는 원소: $r(d_{in} + d_{out})$개 (원래는 $d_{in} d_{out}$개). $d = 128$, $r = 8$이면 2,048개 대 16,384개.
# - **초기화**: $B = 0$이므로 처음에는 $\Delta W = 0$ — 감싼 층이 원래 층과 **정확히** 같은 출력을 냅니다.
#   $A$는 0이 아니어야 합니다(Kaiming 균등, PEFT와 같이 `kaiming_uniform_(A, a=√5)`). $A$도 0이면 $B$의 기울기
#   $\partial L/\partial B \propto (Ax)^\top$이 0이라 아무것도 배우지 못합니다.
# - **scaling** $= \alpha / r$: $r$을 바꿔도 같은 학습률이 비슷한 크기의 업데이트를 내도록 나눕니다. 실수 나눗셈입니다
#   ($r = 4$, $\alpha = 6$이면 1.5; `//`를 쓰면 1이 됩니다).
# - $A$와 $B$는 `base.weight`와 같은 dtype(과 device)으로 만듭니다: float64나 bfloat16 모델을 감싸도 그대로 계산되도록.
#   학습되는 것은 $A$와 $B$ 둘 다이므로, 순전파에서 어느 쪽도 `detach()`하거나 `.data`로 쓰면 안 됩니다.
# - **드롭아웃**은 $A$에 들어가는 **입력** $x$에 적용합니다: `dropout(x) @ A.T @ B.T * scaling` (PEFT와 같음).
# - **merge**: 학습이 끝나면 $W \leftarrow W + \frac{\alpha}{r} BA$로 접어 넣어, 추론 때 추가 계산이 없습니다.
#   `unmerge`는 같은 양을 빼서 되돌립니다(다른 작업의 LoRA로 바꿔 끼울 때). 두 번 merge해도 한 번만 더해야 합니다.
#
# - **주요 사용 시기**: 대규모 모델을 효율적으로 튜닝해야 할 때, 저장 공간과 계산 자원이 제한적일 때, 빠른 작업 전환이 필요한 경우.
# - **장점**: 매우 효율적인 파라미터 사용, 빠른 학습과 적은 메모리 사용(기울기·옵티마이저 상태가 작음),
#   원본 모델과 거의 동등한 성능 달성 가능, 병합하면 추론 비용이 그대로.
# - **단점**: 구현이 복잡할 수 있음(어느 층에, 어떤 r과 α로?), 모든 작업에 동일하게 효과적이지 않을 수 있음.

# %%
# 저차원 행렬의 곱은 큰 행렬이지만 계수(rank)는 r 이하입니다.
_A, _B = torch.randn(2, 6), torch.randn(5, 2)
print("ΔW의 모양:", tuple((_B @ _A).shape), "계수:", int(torch.linalg.matrix_rank(_B @ _A)))
for _d, _r in ((128, 8), (4096, 8)):
    print(f"d = {_d}, r = {_r}: 원래 {_d * _d:,}개, LoRA {_r * 2 * _d:,}개 ({100 * 2 * _r / _d:.2f} %)")

# %% solution=["LoRALinear"]

# %% tests="test_lora"
torch.manual_seed(0)
_base = nn.Linear(5, 3)
_lora = LoRALinear(_base, r=2, alpha=4)
_x = torch.randn(4, 5)
assert tuple(_lora.lora_A.shape) == (2, 5) and tuple(_lora.lora_B.shape) == (3, 2), "A는 (r, in), B는 (out, r)입니다."
assert torch.equal(_lora(_x), _base(_x)), "처음에는 base와 똑같은 출력이어야 합니다 (B = 0)."
assert _lora.scaling == 2.0, "scaling = alpha / r 입니다."
assert trainable_parameter_names(_lora) == ["lora_A", "lora_B"], "base는 얼리고 lora_A, lora_B만 학습합니다."
with torch.no_grad():
    _lora.lora_B.normal_()
_y = _lora(_x)
assert torch.allclose(_y, _base(_x) + 2.0 * _x @ _lora.lora_A.T @ _lora.lora_B.T, atol=1e-6), "출력 = base(x) + x·Aᵀ·Bᵀ·scaling"
_lora.merge()
_lora.merge()
assert _lora.merged and torch.allclose(_lora(_x), _y, atol=1e-5), "merge()를 (두 번) 해도 출력은 같아야 합니다."
_lora.unmerge()
assert not _lora.merged and torch.allclose(_lora(_x), _y, atol=1e-5), "unmerge() 뒤에도 출력은 같아야 합니다."
print("LoRALinear: 통과")

# %% [markdown]
# ### 모델에 LoRA 붙이기
# `apply_lora(model, target_modules, r, alpha, dropout=0.0)`는 **이름**으로 층을 고릅니다(PEFT의 `target_modules`와 같은
# 방식). 전체 이름이 대상 이름과 같거나 `"." + 대상 이름`으로 끝나는 모든 `nn.Linear`를 `LoRALinear(그 층, r, alpha, dropout)`로
# 바꾸고, 나머지 파라미터는 모두 얼립니다. 과정의 GPT에서 `["q_proj", "v_proj"]`는 네 블록의 `blocks.i.attn.q_proj`, `blocks.i.attn.v_proj` 여덟 개입니다.
# 이름은 점(`.`)으로 나뉜 마지막 부분이 통째로 같아야 합니다: `"v_proj"`는 `attn.v_proj`에는 맞지만 `attn.kv_proj`나
# `v_proj_head`에는 맞지 않고, 이름이 맞아도 `nn.Linear`가 아닌 층(예: `nn.LayerNorm`)은 감싸지 않습니다.
#
# - 중첩된 모듈까지 찾으려면 `model.named_children()`(바로 아래만)가 아니라 `model.named_modules()`(전부)를 씁니다.
# - 바꾸는 동안 모듈 트리가 변하므로 **먼저 이름 목록을 만든 뒤** 바꿉니다. 부모 모듈은 `model.get_submodule("blocks.0.attn")`으로
#   찾고 `setattr(부모, "q_proj", LoRALinear(...))`로 바꿉니다.
# - 새 분류 헤드는 대상이 아니면 감싸지도, 학습하지도 않습니다. 분류에 쓸 때는 헤드를 따로 풀어 줍니다(실험 코드 참고).

# %% solution=["apply_lora"]

# %% tests="test_apply_lora"
torch.manual_seed(0)
_net = nn.ModuleDict({"blocks": nn.ModuleList([nn.ModuleDict({"q_proj": nn.Linear(4, 4), "k_proj": nn.Linear(4, 4)})
                                               for _ in range(2)]), "head": nn.Linear(4, 2)})
apply_lora(_net, ["q_proj"], r=2, alpha=2)
assert isinstance(_net["blocks"][1]["q_proj"], LoRALinear), "중첩된 모듈(blocks.1.q_proj)도 감싸야 합니다."
assert isinstance(_net["head"], nn.Linear) and not isinstance(_net["head"], LoRALinear), "대상이 아닌 층은 그대로 둡니다."
assert trainable_parameter_names(_net) == ["blocks.0.q_proj.lora_A", "blocks.0.q_proj.lora_B",
                                           "blocks.1.q_proj.lora_A", "blocks.1.q_proj.lora_B"], \
    "LoRA 파라미터 말고는 모두 얼려야 합니다."
print("apply_lora: 통과")

# %% [markdown]
# ## 4. 어댑터 튜닝 (Adapter Tuning)
# 모델 구조에 작은 어댑터 층을 추가하고 이것만 학습합니다. 원본 모델 파라미터는 변경하지 않습니다. 병목(bottleneck) 어댑터는
# 차원을 줄였다가($d \to m$) 다시 늘리는($m \to d$) 두 선형층과 잔차 연결입니다:
#
# $$ \text{Adapter}(x) = x + W_{up}\, \mathrm{GELU}(W_{down} x + b_{down}) + b_{up}, \qquad m \ll d $$
#
# $W_{up}, b_{up}$을 0으로 초기화하면 처음에는 $\text{Adapter}(x) = x$(항등)라서, 블록 사이에 끼워 넣어도 사전 학습 모델의
# 출력이 그대로입니다. 잔차 연결이 없으면 처음부터 모델의 모든 정보가 좁은 병목을 지나야 하고 사전 학습 지식이 사라집니다.
# 실험에서는 주어진 `add_adapters`가 각 블록 뒤에 어댑터($m = 16$)를 하나씩 붙입니다.
#
# - **주요 사용 시기**: 여러 작업을 하나의 모델로 처리해야 할 때, 모델 크기를 최소화해야 할 때, 빠른 적응이 필요한 경우.
# - **장점**: 매우 효율적인 파라미터 사용, 여러 작업을 위한 어댑터를 쉽게 전환 가능(작업마다 어댑터만 저장), 원본 모델 보존.
# - **단점**: 구현이 복잡할 수 있음(어디에 끼울지), 전체 파인 튜닝에 비해 성능이 약간 떨어질 수 있음,
#   LoRA와 달리 원래 가중치에 합칠 수 없어 추론 때 층이 늘어납니다.

# %% solution=["BottleneckAdapter"]

# %% tests="test_adapter"
torch.manual_seed(0)
_ad = BottleneckAdapter(6, 2)
_x = torch.randn(3, 4, 6)
assert torch.equal(_ad(_x), _x), "처음에는 항등 함수여야 합니다 (up을 0으로 초기화 + 잔차)."
assert count_trainable_parameters(_ad) == 6 * 2 + 2 + 2 * 6 + 6, "down(6→2)과 up(2→6), 편향 포함입니다."
with torch.no_grad():
    _ad.up.weight.normal_()
assert torch.allclose(_ad(_x), _x + _ad.up(F.gelu(_ad.down(_x))), atol=1e-6), "출력 = x + up(gelu(down(x)))"
print("BottleneckAdapter: 통과")

# %% [markdown]
# ## 5. 프롬프트 튜닝 (Prompt Tuning)
# 입력 프롬프트를 최적화하여 모델의 출력을 조정합니다. 모델 파라미터는 변경하지 않습니다. 사람이 쓰는 글 프롬프트 대신,
# 입력 임베딩 앞에 **학습되는 벡터** $P \in \mathbb{R}^{n \times d}$(가상 토큰, 소프트 프롬프트)를 붙입니다:
#
# $$ \text{입력} = [P_1, \dots, P_n, e(x_1), \dots, e(x_T)] $$
#
# 길이가 $n$만큼 늘어나므로 함께 늘려야 하는 것이 둘 있습니다.
# - **어텐션 마스크**: 가상 토큰도 봐야 하므로 앞에 1을 $n$개.
# - **레이블**(토큰마다 정답이 있는 언어 모델 학습): 가상 토큰 위치에는 정답이 없으므로 앞에 -100을 $n$개
#   (`cross_entropy`가 -100을 건너뜁니다). 늘리지 않으면 모양이 어긋나거나, 레이블이 $n$칸 밀려 엉뚱한 토큰을 배웁니다.
#
# 학습되는 것은 $P$뿐이므로(분류라면 헤드도) 프롬프트를 `detach()`하거나 `requires_grad=False`로 만들면 안 됩니다.
# $P$는 `input_embeds`와 같은 dtype으로 바꿔 붙입니다(LoRA의 $A$, $B$처럼: float16·bfloat16 모델의 입력 앞에 float32 프롬프트를
# 붙이면 이어 붙인 임베딩 전체가 float32가 되어 모델의 층과 dtype이 어긋납니다).
# $P$를 무작위가 아니라 **글의 임베딩**으로 시작하면 더 빨리 배웁니다(`init_from_text`, PEFT의 TEXT 초기화):
# 글의 토큰이 $n$개보다 적으면 처음부터 되풀이하고(3개, $n = 7$ → a b c a b c a), 많으면 앞의 $n$개만 씁니다.
#
# - **주요 사용 시기**: 모델 파라미터를 변경할 수 없을 때, 빠른 작업 전환이 필요할 때, 제로샷 또는 퓨샷 학습 시나리오에서.
# - **장점**: 매우 적은 추가 파라미터만 필요($n \cdot d$개), 모델 자체를 변경하지 않아 유연성이 높음, 여러 작업 간 빠른 전환 가능
#   (한 배치 안에서도 예제마다 다른 프롬프트를 붙일 수 있음).
# - **단점**: 복잡한 작업에서는 성능이 제한적일 수 있음(특히 작은 모델에서), 효과적인 프롬프트 설계가 어려울 수 있음,
#   입력이 $n$만큼 길어져 계산이 늘고 학습률이 높아야 합니다.

# %% solution=["SoftPrompt"]

# %% tests="test_soft_prompt"
torch.manual_seed(0)
_sp = SoftPrompt(3, 4)
_e, _m, _l = _sp(torch.zeros(2, 5, 4), torch.ones(2, 5), torch.zeros(2, 5, dtype=torch.long))
assert tuple(_e.shape) == (2, 8, 4), "임베딩은 (B, n_virtual + T, d)여야 합니다."
assert torch.equal(_e[0, :3], _sp.embedding.weight.detach()), "가상 토큰을 입력 앞에 붙여야 합니다."
assert tuple(_m.shape) == (2, 8) and bool((_m[:, :3] == 1).all()), "마스크 앞에 1을 n_virtual개 붙여야 합니다."
assert _l[:, :3].tolist() == [[-100] * 3] * 2, "레이블 앞에 -100을 n_virtual개 붙여야 합니다."
_emb = nn.Embedding(10, 4)
SoftPrompt(5, 4).init_from_text([7, 2], _emb)
assert torch.equal(SoftPrompt(5, 4).init_from_text([7, 2], _emb).embedding.weight, _emb.weight[[7, 2, 7, 2, 7]].detach()), \
    "글의 id가 모자라면 처음부터 되풀이해야 합니다 (7 2 7 2 7)."
print("SoftPrompt: 통과")

# %% [markdown]
# ## 6. 실험: 다섯 방법을 한국어 분류 작업에서 비교
# 위의 장점·단점은 정말일까요? 같은 사전 학습 GPT, 같은 데이터, 같은 걸음 수로 다섯 방법을 학습해 잽니다.
#
# - **데이터**: 설치된 자료에서 만든 한국어 분류 작업. LibreOffice 한국어 도움말을 풀어 둔 폴더(`python scripts/build_corpus.py`)가
#   있으면 **도움말 문단 → 어느 프로그램(Calc / Writer / Impress / Basic)의 도움말인가**(4 클래스), 없으면 konlpy 말뭉치의
#   **문장 → 헌법 / 국회 의안**(2 클래스)입니다. 어느 쪽을 썼는지 아래 셀이 출력합니다.
# - **모델**: 과정의 한국어 GPT(4 블록, d = 128, 133만 파라미터) + 분류 헤드, 최대 64 토큰(끝에 `<|endoftext|>`).
# - **설정**: AdamW, 배치 32, 60걸음, 방법마다 고른 학습률(`METHODS`). 부분 = 맨 위 블록 1개, 어댑터 = 블록마다 m = 16,
#   프롬프트 = 가상 토큰 8개(글로 초기화), LoRA = `q_proj`, `v_proj`에 r = 8, α = 16. 모두 분류 헤드도 학습합니다.
# - **재는 것**: 학습 파라미터 수, 학습 시간(초, 60걸음), 메모리, 시험 세트 정확도, 레이블 300개만으로 학습했을 때의 정확도.
#   메모리는 두 부분의 합입니다. **학습 상태**(모든 파라미터 + 학습되는 파라미터의 기울기와 AdamW 상태 2개, 개수로 계산)와
#   **저장된 활성값**(역전파를 위해 autograd가 순전파 중에 저장한 텐서의 바이트 수, `torch.autograd.graph.saved_tensors_hooks`로
#   걸음마다 재어 가장 큰 값). 운영체제의 프로세스 메모리(RSS)는 할당기가 메모리를 바로 돌려주지 않아 방법 사이의 차이를
#   가리므로 쓰지 않았습니다.
#
# 아래 셀들은 채점하지 않습니다. 전체를 돌리는 데 보통 몇 분 걸립니다.

# %% support=["korean_text:CORPORA", "korean_text:HANGUL", "korean_text:PARAGRAPH", "korean_text:TAG", "korean_text:HELP_MODULES", "korean_text:HELP_MODULE_NAMES", "korean_text:HELP_TREE", "korean_text:konlpy_corpus_dir", "korean_text:load_konlpy_text", "korean_text:hangul_share", "korean_text:help_paragraphs", "korean_text:help_module_task", "korean_text:konlpy_source_task", "korean_text:classification_task"]

# %% support=["10_finetuning_methods:add_adapters", "10_finetuning_methods:PromptTunedClassifier", "10_finetuning_methods:encode_texts", "10_finetuning_methods:split_indices", "10_finetuning_methods:METHODS", "10_finetuning_methods:setup_method", "10_finetuning_methods:training_state_bytes", "10_finetuning_methods:SavedActivations", "10_finetuning_methods:evaluate_accuracy", "10_finetuning_methods:run_method"]

# %% tags=["skip-grading"]
gpt, tokenizer, config = load_course_model("course_model")
# 저장소 안에서 실행하면 build/corpus/debs/tree를 위쪽 폴더에서 찾습니다. 없으면 konlpy 데이터로 바뀝니다.
task = classification_task()
print("데이터:", task["source"])
print("예제", len(task["texts"]), "개, 클래스:", task["label_names"])
print("예:", task["texts"][0][:60], "→", task["label_names"][task["labels"][0]])

eot = tokenizer.encode(config["eot"])[0]
ids, mask = encode_texts(tokenizer, task["texts"], 64, eot)
labels = torch.tensor(task["labels"])
train, test = split_indices(len(labels), min(1000, len(labels) // 5), seed=0)
data = {"train": (ids[train], mask[train], labels[train]), "test": (ids[test], mask[test], labels[test]),
        "n_classes": len(task["label_names"])}
prompt_ids = tokenizer.encode("이 문단은 다음 프로그램의 도움말입니다:")
print("학습", len(train), "개, 시험", len(test), "개, 평균 토큰 수", round(float(mask.sum(1).float().mean()), 1))

# %% tags=["skip-grading"]
torch.set_num_threads(1)  # 다른 프로그램과 코어를 나눠 쓸 때 시간이 덜 흔들립니다
STEPS = 5 if os.environ.get("COURSE_QUICK_RUN") else 60  # 자동 점검(COURSE_QUICK_RUN=1)만 짧게 돌립니다
names = {"full": "전체", "partial": "부분", "adapter": "어댑터", "prompt": "프롬프트", "lora": "LoRA"}
rows = []
for method in names:
    row = run_method(method, gpt, data, steps=STEPS, prompt_ids=prompt_ids)
    row["few_accuracy"] = run_method(method, gpt, data, n_train=300, steps=STEPS, prompt_ids=prompt_ids)["accuracy"]
    rows.append(row)
    print(f"{names[method]}: 정확도 {row['accuracy']:.3f}, 레이블 300개 {row['few_accuracy']:.3f}, {row['seconds']:.1f}초")

full = rows[0]
print(f"\n{'방법':6} {'학습 파라미터':>12} {'(전체 대비)':>10} {'시간 s':>7} {'상태 MB':>8} {'활성값 MB':>9} "
      f"{'정확도':>6} {'300개':>6}")
for r in rows:
    print(f"{names[r['method']]:6} {r['trainable']:>12,} {100 * r['trainable'] / full['trainable']:>9.2f}% "
          f"{r['seconds']:>7.1f} {r['state_mb']:>8.2f} {r['activation_mb']:>9.2f} {r['accuracy']:>6.3f} {r['few_accuracy']:>6.3f}")

# %% tags=["skip-grading"]
import matplotlib.pyplot as plt

import koreanize_matplotlib  # noqa: F401  (한글 글꼴(나눔고딕)을 설정하고 axes.unicode_minus를 끕니다)

labels_ = [names[r["method"]] for r in rows]
fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
axes[0].bar(labels_, [r["trainable"] for r in rows], color="tab:blue")
axes[0].set_yscale("log")
axes[0].set_title("학습 파라미터 수 (로그)")
axes[1].bar(labels_, [r["seconds"] for r in rows], color="tab:orange")
axes[1].set_title("학습 시간 (초)")
axes[2].bar(labels_, [r["state_mb"] for r in rows], color="tab:green", label="학습 상태")
axes[2].bar(labels_, [r["activation_mb"] for r in rows], bottom=[r["state_mb"] for r in rows],
            color="tab:olive", label="저장된 활성값")
axes[2].set_title("학습 메모리 (MB)")
axes[2].legend()
x = torch.arange(len(rows)).numpy()
axes[3].bar(x - 0.2, [r["accuracy"] for r in rows], 0.4, label="전체 레이블")
axes[3].bar(x + 0.2, [r["few_accuracy"] for r in rows], 0.4, label="레이블 300개")
axes[3].set_xticks(x, labels_)
axes[3].set_ylim(0, 1)
axes[3].set_title("시험 정확도")
axes[3].legend(loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### 생각해 볼 것
# - LoRA는 전체 파인 튜닝의 몇 %의 파라미터로 몇 %p 차이의 정확도를 냈나요? 작업마다 저장할 것은 무엇인가요?
# - 학습 시간은 학습 파라미터 수만큼 줄었나요? 얼린 층도 **순전파**(그리고 LoRA·어댑터·프롬프트는 그 층을 지나는 **역전파**)는
#   해야 합니다. 가장 아래층까지 역전파가 필요 없는 방법은 어느 것인가요?
# - 저장된 활성값은 방법마다 어떻게 다른가요? 부분 파인 튜닝은 왜 작고, 프롬프트 튜닝은 왜 전체 파인 튜닝보다도 클까요?
# - 70억 파라미터 모델이라면 "학습 상태"는
#   전체 파인 튜닝과 LoRA에서 각각 얼마일까요? (fp32 파라미터 4바이트, 기울기 4, AdamW 상태 8)
# - 레이블 300개일 때 방법 사이의 순위가 바뀌나요? 과적합과 관련지어 설명해 보세요.
