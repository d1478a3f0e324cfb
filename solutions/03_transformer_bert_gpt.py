"""03_transformer_bert_gpt: 마스크, BERT 마스킹, GPT 시프트와 손실 (참조 답안)."""
from __future__ import annotations

import math

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


def cross_attention(decoder_states, encoder_states, W_q, W_k, W_v, source_mask=None):
    """교차 어텐션(cross-attention): 디코더의 각 위치가 인코더의 출력(원문)을 봅니다. 헤드 하나.

        q = decoder_states · W_qᵀ       (B, T_tgt, d_k)   ← query는 디코더에서
        k = encoder_states · W_kᵀ       (B, T_src, d_k)   ← key와 value는 인코더에서
        v = encoder_states · W_vᵀ       (B, T_src, d_v)
        scores = q · kᵀ / √d_k          (B, T_tgt, T_src)
        원문의 패딩인 key(source_mask가 False)는 -inf로 가린 뒤 key 축으로 softmax
        output = weights · v            (B, T_tgt, d_v)

    Args:
        decoder_states: (B, T_tgt, d_dec), encoder_states: (B, T_src, d_enc),
        W_q: (d_k, d_dec), W_k: (d_k, d_enc), W_v: (d_v, d_enc)  (nn.Linear의 (출력, 입력) 배치),
        source_mask: BoolTensor (B, T_src), True = 실제 토큰 (padding_mask의 결과). None이면 가리지 않음.
    Returns:
        (output, weights): (B, T_tgt, d_v), (B, T_tgt, T_src). 가린 key의 weight는 정확히 0입니다.
    """
    q = decoder_states @ W_q.T
    k = encoder_states @ W_k.T
    v = encoder_states @ W_v.T
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if source_mask is not None:
        scores = scores.masked_fill(~source_mask[:, None, :], float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def encoder_decoder_masks(source_lengths, target_lengths, t_source, t_target):
    """인코더-디코더 트랜스포머의 세 가지 마스크 (True = 볼 수 있음, 패딩은 key 쪽에서만 가림).

        "encoder": 원문의 셀프 어텐션, 양방향      (B, T_src, T_src) = attention_mask(source_lengths, t_source)
        "decoder": 번역문의 셀프 어텐션, 단방향    (B, T_tgt, T_tgt) = attention_mask(target_lengths, t_target, causal=True)
        "cross":   디코더 → 인코더 교차 어텐션     (B, T_tgt, T_src): 원문의 패딩만 가림 (미래를 가리지 않음:
                   원문은 처음부터 전부 주어져 있습니다)

    Returns: {"encoder": ..., "decoder": ..., "cross": ...} (BoolTensor 세 개)
    """
    source_keys = padding_mask(source_lengths, t_source)
    return {
        "encoder": attention_mask(source_lengths, t_source, causal=False),
        "decoder": attention_mask(target_lengths, t_target, causal=True),
        "cross": source_keys[:, None, :].expand(-1, t_target, -1).clone(),
    }


# ---------------------------------------------------------------- given code: the MLM vs CLM demo

TIMES = ("오늘", "어제", "지금", "아침에", "저녁에", "밤에")
# 명사 → 어울리는 서술어. 받침이 있는 명사 뒤에는 "은", 없는 명사 뒤에는 "는"이 붙습니다.
NOUNS = {
    "달": ("밝다", "빛난다", "둥글다"), "별": ("밝다", "빛난다"), "빛": ("밝다", "환하다"),
    "해": ("밝다", "뜨겁다", "빛난다"), "하늘": ("맑다", "파랗다", "흐리다"),
    "바다": ("깊다", "푸르다", "잔잔하다"), "강": ("깊다", "잔잔하다"), "물": ("맑다", "차갑다"),
    "산": ("높다", "푸르다"), "꽃": ("예쁘다", "핀다"), "나무": ("푸르다", "자란다"),
    "바람": ("분다", "차갑다"), "구름": ("흐른다", "하얗다"), "비": ("온다", "차갑다"),
}
ADVERBS = ("", "아주 ", "정말 ", "조금 ")   # 형용사(밝다, 깊다 …) 앞에만 붙입니다
VERBS = ("빛난다", "핀다", "자란다", "분다", "흐른다", "온다")


def topic_particle(noun):
    """주제 조사: 마지막 음절에 받침이 있으면 "은", 없으면 "는" (한글 음절 = 0xAC00 + 초성·중성·종성)."""
    return "은" if (ord(noun[-1]) - 0xAC00) % 28 else "는"


def toy_sentences():
    """작은 한국어 문장 모음 (과정이 직접 만든 규칙 문장): "오늘 달은 밝다", "밤에 바다는 아주 깊다" …

    시간 × 명사와 조사 × (형용사면 부사) × 어울리는 서술어의 모든 조합을 정해진 순서로 돌려줍니다.
    """
    return [f"{time} {noun}{topic_particle(noun)} {adverb}{predicate}"
            for time in TIMES for noun, predicates in NOUNS.items() for predicate in predicates
            for adverb in (("",) if predicate in VERBS else ADVERBS)]


class CharVocab:
    """음절(문자) 단위 어휘: 특수 토큰 [PAD] 0, [MASK] 1, [BOS] 2, [EOS] 3, 그다음 문자들."""

    SPECIALS = ("[PAD]", "[MASK]", "[BOS]", "[EOS]")

    def __init__(self, texts):
        self.tokens = list(self.SPECIALS) + sorted({ch for text in texts for ch in text})
        self.index = {token: i for i, token in enumerate(self.tokens)}
        self.pad, self.mask, self.bos, self.eos = range(4)

    def encode(self, text, bos=False, eos=False):
        """문자열 → id 리스트. "[MASK]"라는 글자 묶음은 마스크 토큰 하나가 됩니다."""
        ids = []
        for piece in text.split("[MASK]"):
            ids += [self.index[ch] for ch in piece] + [self.mask]
        ids = ids[:-1]
        return ([self.bos] if bos else []) + ids + ([self.eos] if eos else [])

    def batch(self, texts, bos=False, eos=False):
        """오른쪽 패딩한 (B, T) LongTensor와 실제 길이 리스트."""
        rows = [self.encode(text, bos, eos) for text in texts]
        width = max(map(len, rows))
        ids = torch.full((len(rows), width), self.pad, dtype=torch.long)
        for b, row in enumerate(rows):
            ids[b, :len(row)] = torch.tensor(row)
        return ids, [len(row) for row in rows]


class TinyTransformerLM(torch.nn.Module):
    """작은 트랜스포머 언어 모델 (프리-LN 블록, 학습하는 위치 임베딩). BERT로도 GPT로도 씁니다.

    forward(ids, mask) → logits (B, T, V). mask (B, T, T)는 True = 볼 수 있음 (attention_mask의 결과).
    같은 구조에 양방향 마스크와 MLM 목표를 주면 BERT, 단방향 마스크와 다음 토큰 목표를 주면 GPT입니다.
    """

    def __init__(self, vocab_size, d_model=64, n_heads=4, n_layers=2, n_ctx=32):
        super().__init__()
        self.n_heads = n_heads
        self.tok = torch.nn.Embedding(vocab_size, d_model)
        self.pos = torch.nn.Embedding(n_ctx, d_model)
        self.blocks = torch.nn.ModuleList(torch.nn.ModuleDict({
            "ln1": torch.nn.LayerNorm(d_model), "qkv": torch.nn.Linear(d_model, 3 * d_model),
            "out": torch.nn.Linear(d_model, d_model), "ln2": torch.nn.LayerNorm(d_model),
            "ff": torch.nn.Sequential(torch.nn.Linear(d_model, 4 * d_model), torch.nn.GELU(),
                                      torch.nn.Linear(4 * d_model, d_model))}) for _ in range(n_layers))
        self.ln_f = torch.nn.LayerNorm(d_model)
        self.head = torch.nn.Linear(d_model, vocab_size)

    def forward(self, ids, mask):
        batch, length = ids.shape
        x = self.tok(ids) + self.pos(torch.arange(length))
        for block in self.blocks:
            q, k, v = block["qkv"](block["ln1"](x)).chunk(3, dim=-1)
            split = lambda t: t.view(batch, length, self.n_heads, -1).transpose(1, 2)  # noqa: E731
            attended = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask[:, None])
            x = x + block["out"](attended.transpose(1, 2).reshape(batch, length, -1))
            x = x + block["ff"](block["ln2"](x))
        return self.head(self.ln_f(x))
