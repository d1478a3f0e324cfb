"""00_intro: 대규모 언어 모델(LLM) 소개 — 토큰 세기, 자기 지도 학습 예제 만들기, 파라미터 세기, 프롬프트 (참조 답안)."""
from __future__ import annotations

import torch
from torch import nn


def count_tokens(text):
    """같은 글을 세 가지 단위로 셉니다.

        "words":      어절 수 = len(text.split())  (공백·줄바꿈·탭이 여러 개 이어져도 한 번의 경계)
        "characters": 공백 문자(스페이스, 줄바꿈, 탭 …)가 아닌 글자 수 — 한글 음절 하나가 한 글자
        "bytes":      UTF-8로 저장했을 때의 바이트 수 = len(text.encode("utf-8")) (공백 포함;
                      한글 음절은 3바이트, 영문·숫자는 1바이트)

    Returns: {"words": int, "characters": int, "bytes": int}
    """
    return {"words": len(text.split()),
            "characters": sum(1 for ch in text if not ch.isspace()),
            "bytes": len(text.encode("utf-8"))}


def causal_lm_pairs(tokens, block_size):
    """다음 토큰 예측(GPT 방식)의 학습 예제: 토큰 열을 겹치지 않는 창으로 자르고, 정답은 입력을 한 칸 민 것.

    start = 0, block_size, 2·block_size, …  (start < len(tokens) - 1)마다
        n = min(block_size, len(tokens) - 1 - start)
        inputs  = tokens[start     : start + n]
        targets = tokens[start + 1 : start + 1 + n]
    첫 토큰을 뺀 모든 토큰이 정확히 한 번 정답이 됩니다. 마지막 창은 짧을 수 있고, 토큰이 2개보다 적으면
    예제가 없습니다(빈 리스트). tokens는 바꾸지 않습니다.

    Args:
        tokens: 토큰의 리스트 (문자열이든 정수 id든).
        block_size: 창의 최대 길이 (1 이상의 정수). 아니면 ValueError.
    Returns:
        (inputs, targets) 튜플의 리스트. inputs와 targets는 새 리스트.
    """
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ValueError("block_size는 1 이상의 정수여야 합니다.")
    tokens = list(tokens)
    pairs = []
    for start in range(0, len(tokens) - 1, block_size):
        n = min(block_size, len(tokens) - 1 - start)
        pairs.append((tokens[start:start + n], tokens[start + 1:start + 1 + n]))
    return pairs


def masked_lm_example(tokens, n_mask, rng, mask_token="[MASK]"):
    """가린 단어 맞히기(BERT 방식)의 학습 예제 하나를 만듭니다.

    rng(numpy.random.Generator)로 서로 다른 위치 n_mask개를 모든 위치에서 같은 확률로 고르고,
        inputs: 고른 위치를 mask_token으로 바꾼 새 리스트
        labels: 고른 위치에는 원래 토큰, 나머지 위치에는 None (손실에서 빼는 자리)
    를 돌려줍니다. 글 안에 mask_token과 같은 토큰이 원래 있어도, 정답은 고른 위치로만 정합니다.
    tokens는 바꾸지 않습니다.

    Args:
        tokens: 토큰 리스트, n_mask: 0 ≤ n_mask ≤ len(tokens)인 정수 (아니면 ValueError),
        rng: numpy.random.Generator (같은 시드면 같은 결과).
    Returns:
        (inputs, labels): 길이가 len(tokens)인 리스트 두 개.
    """
    tokens = list(tokens)
    if isinstance(n_mask, bool) or not isinstance(n_mask, int) or not 0 <= n_mask <= len(tokens):
        raise ValueError("n_mask는 0 이상 len(tokens) 이하의 정수여야 합니다.")
    positions = set(int(i) for i in rng.choice(len(tokens), size=n_mask, replace=False))
    inputs = [mask_token if i in positions else token for i, token in enumerate(tokens)]
    labels = [token if i in positions else None for i, token in enumerate(tokens)]
    return inputs, labels


class TinyLM(nn.Module):
    """아주 작은 신경망 언어 모델 (주어진 코드): 바로 앞 토큰 하나로 다음 토큰을 예측합니다 (신경망 bigram).

        logits = head(embed(x))      embed: nn.Embedding(V, d), head: nn.Linear(d, V)

    tied=True면 출력층의 가중치가 입력 임베딩과 **같은 텐서**입니다 (weight tying, GPT-2와 같음).
    """

    def __init__(self, vocab_size, d_model, tied=False):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        self.head = nn.Linear(d_model, vocab_size)
        if tied:
            self.head.weight = self.embed.weight

    def forward(self, ids):
        return self.head(self.embed(ids))


def count_parameters(model):
    """모델의 파라미터(학습으로 정하는 숫자) 개수: 모든 파라미터 텐서의 원소 수의 합.

    - 학습 여부(requires_grad)와 상관없이 셉니다.
    - 두 층이 **공유하는** 텐서(weight tying)는 한 번만 셉니다. model.parameters()는 같은 텐서를 한 번만 돌려줍니다.
    - 버퍼(BatchNorm의 이동 평균처럼 state_dict에는 있지만 파라미터가 아닌 값)는 세지 않습니다.

    Returns: int
    """
    return sum(p.numel() for p in model.parameters())


def build_prompt(instruction, examples, query):
    """지시문, 예시(퓨샷), 질문으로 프롬프트 문자열을 만듭니다.

        "{instruction}\\n\\n"                     (instruction이 빈 문자열이면 이 부분 없음)
        "입력: {x}\\n출력: {y}\\n\\n"                (examples의 (x, y)마다, 주어진 순서대로)
        "입력: {query}\\n출력:"                     (모델이 이어 쓸 자리)

    examples가 비어 있으면 제로샷(zero-shot), k개면 k-샷(few-shot) 프롬프트입니다.
    """
    parts = [f"{instruction}\n\n"] if instruction else []
    parts += [f"입력: {x}\n출력: {y}\n\n" for x, y in examples]
    parts.append(f"입력: {query}\n출력:")
    return "".join(parts)
