"""09. 출력 생성 (Output generation) — reference solution.

Temperature, top-k, top-p, seeded sampling, greedy decoding, beam search and a KV cache, for any
`model(ids) -> logits (B, T, V)`; the KV cache for 08's MiniGPT. The course's pretrained Korean GPT
(assignments/09_generation/course_model/, see solutions/course_model.py) is what the notebook applies
them to. 08's MiniGPT is the notebook's given (support) code, loaded here from solutions/08.
"""
import math

import torch

from grader.assignments import load_solution

# Given code: 08's MiniGPT (with 07's attention inside). The notebook's support cells copy those
# definitions from solutions/07 and solutions/08 at build time; here they are loaded from the same files.
MiniGPT = load_solution("08_transformer_block").MiniGPT


def apply_temperature(logits, temperature):
    """온도 (Temperature): 로짓을 T로 나눕니다.  logits / T   (T > 0)

    softmax(z / T): T < 1이면 분포가 뾰족해지고(T → 0이면 argmax), T > 1이면 평평해집니다.
    확률이 아니라 **로짓**을 나눕니다. T ≤ 0이면 ValueError. 입력 텐서는 바꾸지 않습니다.
    """
    if temperature <= 0:
        raise ValueError("temperature는 0보다 커야 합니다 (T = 0은 sample_next에서 greedy로 처리).")
    return logits / temperature


def top_k_filter(logits, k):
    """Top-k: 마지막 축에서 값이 가장 큰 k개만 남기고 나머지 로짓을 -inf로 바꾼 새 텐서.

    torch.topk처럼 **정확히 k개**가 남습니다(경계에서 값이 같아도 k개를 넘지 않음).
    k ≥ V이면 그대로. logits: (..., V). 입력 텐서는 바꾸지 않습니다.
    """
    k = min(int(k), logits.shape[-1])
    values, indices = torch.topk(logits, k, dim=-1)
    filtered = torch.full_like(logits, float("-inf"))
    return filtered.scatter(-1, indices, values)


def top_p_filter(logits, p):
    """Top-p (nucleus): 확률이 큰 토큰부터 더해 누적 확률이 p에 **도달하는** 가장 작은 집합만 남깁니다.

    확률을 내림차순으로 정렬해 누적합 c_i를 구하면, 토큰 i는 그 앞까지의 누적 확률
    c_i - p_i 가 p보다 작을 때 남습니다. 즉 p를 넘기는(또는 정확히 채우는) 토큰까지 남고,
    누적 확률이 정확히 p가 된 뒤의 토큰은 빠집니다. 가장 확률이 큰 토큰 하나는 항상 남습니다.
    나머지 로짓은 -inf. logits: (..., V). 입력 텐서는 바꾸지 않습니다.
    """
    probs = torch.softmax(logits, dim=-1)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = before < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return logits.masked_fill(~keep, float("-inf"))


def sample_next(logits, generator, temperature=1.0, top_k=None, top_p=None):
    """다음 토큰 하나를 뽑습니다: 온도 → top-k → top-p 순서로 로짓을 거른 뒤, softmax 확률에서
    주어진 `torch.Generator`로 한 번 추출합니다 (같은 시드 → 같은 결과).

    logits: (..., V) → 토큰 id의 LongTensor, 모양 logits.shape[:-1] (1차원 입력이면 0차원 텐서).
    행마다 그 행의 분포에서 따로 뽑습니다. temperature == 0이면 추출하지 않고 argmax(greedy)를,
    temperature < 0이면 ValueError. top_k, top_p가 None이면 생략. 입력 텐서는 바꾸지 않습니다.
    """
    if temperature == 0:
        return torch.argmax(logits, dim=-1)
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    probs = torch.softmax(logits, dim=-1)
    flat = probs.reshape(-1, probs.shape[-1])
    draws = torch.multinomial(flat, 1, generator=generator)
    return draws.reshape(probs.shape[:-1])


def apply_repetition_penalty(logits, previous_ids, penalty):
    """반복 벌점 (Repetition penalty): 이미 나온 토큰의 로짓을 줄인 새 텐서.

    previous_ids에 한 번 이상 있는 토큰의 로짓 z만 바꿉니다 (몇 번 나왔든 **한 번만**):
        z > 0 이면 z / penalty,   z < 0 이면 z · penalty,   z = 0 은 그대로.
    penalty > 1이면 나왔던 토큰이 덜 나오고, penalty = 1이면 그대로, 0 < penalty < 1이면 더 나옵니다.
    (Hugging Face의 RepetitionPenaltyLogitsProcessor, generate(repetition_penalty=...)와 같은 규칙)
    logits (V,)이면 previous_ids는 id 목록(list 또는 1차원 텐서), logits (B, V)이면 previous_ids는
    (B, L) 텐서이고 행 b에는 행 b의 id만 적용합니다. previous_ids가 비어 있으면 그대로.
    penalty ≤ 0이면 ValueError. 입력 텐서는 바꾸지 않습니다.
    """
    if penalty <= 0:
        raise ValueError("penalty는 0보다 커야 합니다 (1이면 벌점 없음).")
    ids = torch.as_tensor(previous_ids, dtype=torch.long, device=logits.device)
    ids = ids.reshape(*logits.shape[:-1], -1)
    seen = torch.zeros(logits.shape, dtype=torch.bool, device=logits.device).scatter(-1, ids, True)
    penalized = torch.where(logits > 0, logits / penalty, logits * penalty)
    return torch.where(seen, penalized, logits)


@torch.no_grad()
def _next_logits(model, tokens):
    """토큰 목록 하나 → 마지막 위치의 로짓 (V,): model(ids)[0, -1]."""
    return model(torch.tensor([tokens], dtype=torch.long))[0, -1]


@torch.no_grad()
def greedy_decode(model, input_ids, max_new_tokens, eos_id=None):
    """탐욕적 디코딩 (Greedy): 매 단계 **마지막 위치**의 로짓에서 가장 큰 토큰을 붙입니다.

    model(ids) → 로짓 (B, T, V); 다음 토큰 = argmax(model(ids)[0, -1]).
    input_ids: 프롬프트 토큰 id 목록(list 또는 1차원 텐서, 바꾸지 않음). 최대 max_new_tokens개를 만들고,
    eos_id를 만들면 그것까지 붙이고 멈춥니다. 반환: 프롬프트 + 생성 토큰의 새 list[int].
    """
    tokens = [int(t) for t in input_ids]
    for _ in range(max_new_tokens):
        next_id = int(torch.argmax(_next_logits(model, tokens)))
        tokens.append(next_id)
        if next_id == eos_id:
            break
    return tokens


@torch.no_grad()
def beam_search(model, input_ids, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    """빔 서치 (Beam search) → (tokens, score).

    빔마다 누적 로그 확률 Σ log p(토큰)을 들고 다닙니다. 매 단계:
      1. 살아 있는 빔 각각을 모든 다음 토큰으로 늘린 후보의 누적 로그 확률을 구하고,
      2. 모든 후보 중(빔마다가 아니라 **전체에서**) 누적 로그 확률이 가장 큰 beam_width개를 고릅니다.
      3. 그중 eos_id로 끝난 후보는 '완료'로 옮겨 더 늘리지 않고, 나머지가 다음 단계의 빔입니다.
    살아 있는 빔이 없거나 max_new_tokens 단계가 지나면, 완료된 빔과 살아 있는 빔 모두 중
    score = (생성한 토큰들의 로그 확률 합) / (생성 길이 ** length_penalty)
    가 가장 큰 것을 고릅니다(생성 길이에 프롬프트는 넣지 않음, eos는 넣음).
    반환: (프롬프트 + 생성 토큰의 list[int], score float). 점수가 같으면 먼저 찾은 것.
    """
    prompt = [int(t) for t in input_ids]
    alive = [(prompt, 0.0)]
    finished = []
    for _ in range(max_new_tokens):
        candidates = []
        for tokens, logp in alive:
            log_probs = torch.log_softmax(_next_logits(model, tokens).double(), dim=-1)
            candidates += [(tokens + [v], logp + float(lp)) for v, lp in enumerate(log_probs)]
        candidates.sort(key=lambda c: c[1], reverse=True)
        alive = []
        for tokens, logp in candidates[:beam_width]:
            (finished if tokens[-1] == eos_id else alive).append((tokens, logp))
        if not alive:
            break

    def score(beam):
        return beam[1] / (len(beam[0]) - len(prompt)) ** length_penalty

    best = max(finished + alive, key=score)
    return best[0], score(best)


@torch.no_grad()
def forward_with_cache(model, ids, cache=None):
    """KV 캐시를 쓰는 MiniGPT 순전파: 새 토큰만 계산하고, 앞 토큰들의 키·값은 캐시에서 꺼냅니다.

    ids: (B, t) 새 토큰.  cache: None 또는 층마다 (K, V) 튜플의 list, K·V: (B, heads, 과거 길이, d_head).
    새 토큰의 위치는 과거 길이 P부터 P+t-1 (위치 임베딩도 그 위치).  층마다
      h = ln1(x);  q, k, v = 투영(h)를 헤드로 나눔;  K = [K_캐시; k], V = [V_캐시; v]
      새 토큰 i(위치 P+i)는 키 위치 j ≤ P+i 에만 어텐션 (t × (P+t) 인과 마스크)
      x = x + o_proj(softmax(q Kᵀ / √d_head) V);   x = x + ff(ln2(x))
    반환: (logits (B, t, V), 새 캐시). model(전체 ids)의 마지막 t 위치 로짓과 같아야 합니다.
    """
    past = 0 if cache is None else cache[0][0].shape[2]
    batch, t = ids.shape
    positions = torch.arange(past, past + t)
    x = model.tok_emb(ids) + model.pos_emb(positions)
    mask = torch.ones(t, past + t, dtype=torch.bool).tril(diagonal=past)
    new_cache = []
    for layer, block in enumerate(model.blocks):
        attn = block.attn
        h = block.ln1(x)
        q, k, v = (proj(h).view(batch, t, attn.n_heads, attn.d_head).transpose(1, 2)
                   for proj in (attn.q_proj, attn.k_proj, attn.v_proj))
        if cache is not None:
            k = torch.cat([cache[layer][0], k], dim=2)
            v = torch.cat([cache[layer][1], v], dim=2)
        new_cache.append((k, v))
        scores = (q @ k.transpose(-2, -1) / math.sqrt(attn.d_head)).masked_fill(~mask, float("-inf"))
        heads = torch.softmax(scores, dim=-1) @ v
        x = x + attn.o_proj(heads.transpose(1, 2).reshape(batch, t, attn.d_model))
        x = x + block.ff(block.ln2(x))
    return model.head(model.ln_f(x)), new_cache


@torch.no_grad()
def greedy_decode_cached(model, input_ids, max_new_tokens, eos_id=None):
    """KV 캐시로 하는 탐욕적 디코딩: 프롬프트를 한 번에 넣어 캐시를 채운 뒤, 매 단계 새 토큰 하나만
    forward_with_cache에 넣습니다. 결과는 greedy_decode(model, ...)와 **정확히** 같아야 합니다.
    마지막 토큰을 붙인 뒤에는 forward_with_cache를 부르지 않습니다 (문장이 n_ctx를 꽉 채워도 되도록).
    반환: 프롬프트 + 생성 토큰의 list[int]."""
    tokens = [int(t) for t in input_ids]
    logits, cache = forward_with_cache(model, torch.tensor([tokens]), None)
    for step in range(max_new_tokens):
        next_id = int(torch.argmax(logits[0, -1]))
        tokens.append(next_id)
        if next_id == eos_id or step == max_new_tokens - 1:
            break
        logits, cache = forward_with_cache(model, torch.tensor([[next_id]]), cache)
    return tokens
