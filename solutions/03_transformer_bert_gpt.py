"""03_transformer_bert_gpt: 마스크, BERT 마스킹, GPT 시프트와 손실 (참조 답안)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

IGNORE_INDEX = -100


def causal_mask(t):
    """단방향(GPT) 마스크: query 위치 i가 key 위치 j를 볼 수 있으면 True.

        mask[i, j] = (j <= i)        # 자기 자신과 과거만, 미래는 가림

    Returns: BoolTensor (t, t), 아래 삼각형(대각선 포함)이 True.
    """
    return torch.tril(torch.ones(t, t, dtype=torch.bool))


def padding_mask(lengths, t):
    """패딩 마스크: 실제 토큰이면 True, 패딩이면 False (오른쪽 패딩).

        mask[b, j] = (j < lengths[b])

    Args:
        lengths: 각 문장의 실제 길이 (리스트 또는 정수 텐서, 길이 B).
        t: 패딩한 뒤의 길이.
    Returns: BoolTensor (B, t).
    """
    lengths = torch.as_tensor(lengths)
    return torch.arange(t)[None, :] < lengths[:, None]


def attention_mask(lengths, t, causal=False):
    """셀프 어텐션에 넣을 마스크: query i가 key j를 볼 수 있으면 True.

    BERT(양방향, causal=False): 패딩이 아닌 모든 key를 봅니다 → mask[b, i, j] = (j < lengths[b])
    GPT(단방향, causal=True): 거기에 미래를 가립니다 → mask[b, i, j] = (j < lengths[b]) and (j <= i)

    패딩은 key 쪽에서만 가립니다 (패딩 위치의 query 행도 실제 토큰은 볼 수 있음).
    Returns: BoolTensor (B, t, t).
    """
    keys = padding_mask(lengths, t)[:, None, :].expand(-1, t, -1)
    if causal:
        return keys & causal_mask(t)
    return keys.clone()


def mask_tokens(input_ids, mask_token_id, vocab_size, special_ids, generator, mlm_probability=0.15):
    """BERT의 마스크 언어 모델(MLM) 입력과 정답을 만듭니다 (Hugging Face 콜레이터와 같은 규칙).

    1. 특수 토큰(special_ids)이 아닌 각 위치를 확률 mlm_probability로 **독립적으로** 고릅니다.
    2. 정답 labels: 고른 위치는 원래 토큰 id, 나머지는 -100 (손실에서 무시).
    3. 고른 위치 중 80 %는 mask_token_id로, 10 %는 [0, vocab_size)에서 균등하게 뽑은 토큰으로
       바꾸고, 10 %는 그대로 둡니다 (남은 20 % 중 절반 = 0.5 확률로 무작위 토큰).
    모든 무작위는 전달받은 torch.Generator에서 뽑습니다. input_ids는 바꾸지 않습니다.

    Args:
        input_ids: LongTensor (B, T).
    Returns:
        (inputs, labels): 둘 다 LongTensor (B, T).
    """
    shape = input_ids.shape
    labels = input_ids.clone()
    inputs = input_ids.clone()
    special = torch.isin(input_ids, torch.as_tensor(list(special_ids), dtype=input_ids.dtype))
    probability = torch.full(shape, float(mlm_probability)).masked_fill(special, 0.0)
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels[~selected] = IGNORE_INDEX
    replaced = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    inputs[replaced] = mask_token_id
    randomized = (torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool()
                  & selected & ~replaced)
    random_tokens = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    inputs[randomized] = random_tokens[randomized]
    return inputs, labels


def shift_for_causal_lm(input_ids, pad_id):
    """GPT(자기회귀) 학습용 입력과 정답: 위치 t의 정답은 다음 토큰 t+1입니다.

        inputs = input_ids[:, :-1]
        labels = input_ids[:, 1:], 단 패딩(pad_id)은 -100

    Returns: (inputs, labels), 둘 다 (B, T-1). input_ids는 바꾸지 않습니다.
    """
    inputs = input_ids[:, :-1].clone()
    labels = input_ids[:, 1:].clone()
    labels[labels == pad_id] = IGNORE_INDEX
    return inputs, labels


def lm_loss(logits, labels):
    """언어 모델 손실: 정답이 -100이 아닌 위치들의 교차 엔트로피 평균.

        loss = -(1/|S|) Σ_{(b,t) ∈ S} log softmax(logits[b, t])[labels[b, t]],  S = {labels ≠ -100}

    Args:
        logits: (B, T, V), labels: (B, T)
    Returns: 0차원 텐서.
    """
    vocab_size = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, vocab_size), labels.reshape(-1),
                           ignore_index=IGNORE_INDEX)
