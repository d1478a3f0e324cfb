"""Buggy variants of solutions/03_transformer_bert_gpt.py: every BUG_CATALOG "BERT vs GPT" row, and RNN/LSTM rows 7-8 through the GPT shift and loss."""

MUTANTS = {
    # BERT vs GPT row 1: labels keep every token (no -100 on unselected positions)
    'bert-gpt-1-labels-not-ignored': {
        'mask_tokens': r'''
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
    replaced = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    inputs[replaced] = mask_token_id
    randomized = (torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool()
                  & selected & ~replaced)
    random_tokens = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    inputs[randomized] = random_tokens[randomized]
    return inputs, labels
''',
    },
    # BERT vs GPT row 2: random replacement with 0.1 of the remainder (2 % instead of 10 %)
    'bert-gpt-2-random-share': {
        'mask_tokens': r'''
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
    randomized = (torch.bernoulli(torch.full(shape, 0.1), generator=generator).bool()
                  & selected & ~replaced)
    random_tokens = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    inputs[randomized] = random_tokens[randomized]
    return inputs, labels
''',
    },
    # BERT vs GPT row 3: special tokens eligible
    'bert-gpt-3-specials-eligible': {
        'mask_tokens': r'''
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
    probability = torch.full(shape, float(mlm_probability))
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels[~selected] = IGNORE_INDEX
    replaced = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    inputs[replaced] = mask_token_id
    randomized = (torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool()
                  & selected & ~replaced)
    random_tokens = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    inputs[randomized] = random_tokens[randomized]
    return inputs, labels
''',
    },
    # BERT vs GPT row 4: fixed count per sequence instead of a per-token draw
    'bert-gpt-4-fixed-count': {
        'mask_tokens': r'''
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
    selected = torch.zeros(shape, dtype=torch.bool)
    for b in range(shape[0]):
        eligible = (~special[b]).nonzero().flatten()
        order = eligible[torch.randperm(len(eligible), generator=generator)]
        selected[b, order[:round(mlm_probability * len(eligible))]] = True
    labels[~selected] = IGNORE_INDEX
    replaced = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    inputs[replaced] = mask_token_id
    randomized = (torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool()
                  & selected & ~replaced)
    random_tokens = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    inputs[randomized] = random_tokens[randomized]
    return inputs, labels
''',
    },
    # BERT vs GPT row 4: one draw per sequence (whole sequence selected or not)
    'bert-gpt-4-per-sequence': {
        'mask_tokens': r'''
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
    rows = torch.bernoulli(torch.full((shape[0], 1), float(mlm_probability)), generator=generator)
    selected = rows.bool().expand(shape) & ~special
    labels[~selected] = IGNORE_INDEX
    replaced = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    inputs[replaced] = mask_token_id
    randomized = (torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool()
                  & selected & ~replaced)
    random_tokens = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    inputs[randomized] = random_tokens[randomized]
    return inputs, labels
''',
    },
    # BERT vs GPT row 5: CLM labels shifted twice
    'bert-gpt-5-double-shift': {
        'shift_for_causal_lm': r'''
def shift_for_causal_lm(input_ids, pad_id):
    """GPT(자기회귀) 학습용 입력과 정답: 위치 t의 정답은 다음 토큰 t+1입니다.

        inputs = input_ids[:, :-1]
        labels = input_ids[:, 1:], 단 패딩(pad_id)은 -100

    Returns: (inputs, labels), 둘 다 (B, T-1). input_ids는 바꾸지 않습니다.
    """
    inputs = input_ids[:, :-1].clone()
    labels = torch.full_like(inputs, IGNORE_INDEX)
    labels[:, :-1] = input_ids[:, 2:]
    labels[labels == pad_id] = IGNORE_INDEX
    return inputs, labels
''',
    },
    # BERT vs GPT row 6: GPT without a causal mask
    'bert-gpt-6-gpt-without-causal': {
        'attention_mask': r'''
def attention_mask(lengths, t, causal=False):
    """셀프 어텐션에 넣을 마스크: query i가 key j를 볼 수 있으면 True.

    BERT(양방향, causal=False): 패딩이 아닌 모든 key를 봅니다 → mask[b, i, j] = (j < lengths[b])
    GPT(단방향, causal=True): 거기에 미래를 가립니다 → mask[b, i, j] = (j < lengths[b]) and (j <= i)

    패딩은 key 쪽에서만 가립니다 (패딩 위치의 query 행도 실제 토큰은 볼 수 있음).
    Returns: BoolTensor (B, t, t).
    """
    keys = padding_mask(lengths, t)[:, None, :].expand(-1, t, -1)
    if False:
        return keys & causal_mask(t)
    return keys.clone()
''',
    },
    # BERT vs GPT row 6 (also self-attention row 6): causal mask without its diagonal
    'bert-gpt-6-causal-diagonal': {
        'causal_mask': r'''
def causal_mask(t):
    """단방향(GPT) 마스크: query 위치 i가 key 위치 j를 볼 수 있으면 True.

        mask[i, j] = (j <= i)        # 자기 자신과 과거만, 미래는 가림

    Returns: BoolTensor (t, t), 아래 삼각형(대각선 포함)이 True.
    """
    return torch.tril(torch.ones(t, t, dtype=torch.bool), diagonal=-1)
''',
    },
    # BERT vs GPT row 7: BERT given a causal mask
    'bert-gpt-7-bert-given-causal': {
        'attention_mask': r'''
def attention_mask(lengths, t, causal=False):
    """셀프 어텐션에 넣을 마스크: query i가 key j를 볼 수 있으면 True.

    BERT(양방향, causal=False): 패딩이 아닌 모든 key를 봅니다 → mask[b, i, j] = (j < lengths[b])
    GPT(단방향, causal=True): 거기에 미래를 가립니다 → mask[b, i, j] = (j < lengths[b]) and (j <= i)

    패딩은 key 쪽에서만 가립니다 (패딩 위치의 query 행도 실제 토큰은 볼 수 있음).
    Returns: BoolTensor (B, t, t).
    """
    keys = padding_mask(lengths, t)[:, None, :].expand(-1, t, -1)
    if True:
        return keys & causal_mask(t)
    return keys.clone()
''',
    },
    # BERT vs GPT row 8: padding counted in the loss (mean over every position)
    'bert-gpt-8-padding-in-loss': {
        'lm_loss': r'''
def lm_loss(logits, labels):
    """언어 모델 손실: 정답이 -100이 아닌 위치들의 교차 엔트로피 평균.

        loss = -(1/|S|) Σ_{(b,t) ∈ S} log softmax(logits[b, t])[labels[b, t]],  S = {labels ≠ -100}

    Args:
        logits: (B, T, V), labels: (B, T)
    Returns: 0차원 텐서.
    """
    vocab_size = logits.shape[-1]
    losses = F.cross_entropy(logits.reshape(-1, vocab_size), labels.reshape(-1),
                             ignore_index=IGNORE_INDEX, reduction="none")
    return losses.mean()
''',
    },
    # RNN/LSTM row 7: target not shifted (predicts the current token)
    'rnn-lstm-7-target-not-shifted': {
        'shift_for_causal_lm': r'''
def shift_for_causal_lm(input_ids, pad_id):
    """GPT(자기회귀) 학습용 입력과 정답: 위치 t의 정답은 다음 토큰 t+1입니다.

        inputs = input_ids[:, :-1]
        labels = input_ids[:, 1:], 단 패딩(pad_id)은 -100

    Returns: (inputs, labels), 둘 다 (B, T-1). input_ids는 바꾸지 않습니다.
    """
    inputs = input_ids[:, :-1].clone()
    labels = input_ids[:, :-1].clone()
    labels[labels == pad_id] = IGNORE_INDEX
    return inputs, labels
''',
    },
    # RNN/LSTM row 8: cross-entropy over the wrong axis of (B, T, V) logits
    'rnn-lstm-8-ce-wrong-axis': {
        'lm_loss': r'''
def lm_loss(logits, labels):
    """언어 모델 손실: 정답이 -100이 아닌 위치들의 교차 엔트로피 평균.

        loss = -(1/|S|) Σ_{(b,t) ∈ S} log softmax(logits[b, t])[labels[b, t]],  S = {labels ≠ -100}

    Args:
        logits: (B, T, V), labels: (B, T)
    Returns: 0차원 텐서.
    """
    log_probs = torch.log_softmax(logits, dim=1)
    keep = labels != IGNORE_INDEX
    picked = log_probs.gather(-1, labels.clamp(min=0)[..., None])[..., 0]
    return -picked[keep].mean()
''',
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-specials-and-padding-loss': ['bert-gpt-3-specials-eligible', 'bert-gpt-8-padding-in-loss'],
}
