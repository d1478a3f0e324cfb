"""Buggy variants of the reference, one per BUG_CATALOG "Output generation" row (row 12, the
frequency/repetition penalty, is outside 09's fixed API and has no mutant).

Each entry replaces whole top-level definitions of solutions/09_generation.py.
tests/project/test_hidden_suites.py grades every one and asserts that it loses points.
"""

MUTANTS = {
    "gen-01-greedy-first-position": {
        "_next_logits": '''
@torch.no_grad()
def _next_logits(model, tokens):
    return model(torch.tensor([tokens], dtype=torch.long))[0, 0]
''',
    },
    "gen-02-temperature-multiplies": {
        "apply_temperature": '''
def apply_temperature(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature")
    return logits * temperature
''',
    },
    "gen-02-temperature-zero-divides": {
        "apply_temperature": '''
def apply_temperature(logits, temperature):
    return logits / temperature
''',
        "sample_next": '''
def sample_next(logits, generator, temperature=1.0, top_k=None, top_p=None):
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    probs = torch.softmax(logits, dim=-1)
    flat = probs.reshape(-1, probs.shape[-1])
    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])
''',
    },
    "gen-03-temperature-on-probabilities": {
        "sample_next": '''
def sample_next(logits, generator, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.argmax(logits, dim=-1)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    probs = torch.softmax(logits, dim=-1) / temperature
    flat = probs.reshape(-1, probs.shape[-1])
    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])
''',
    },
    "gen-04-top-k-keeps-ties": {
        "top_k_filter": '''
def top_k_filter(logits, k):
    k = min(int(k), logits.shape[-1])
    threshold = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < threshold, float("-inf"))
''',
    },
    "gen-05-top-p-drops-crossing-token": {
        "top_p_filter": '''
def top_p_filter(logits, p):
    probs = torch.softmax(logits, dim=-1)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    keep_sorted = torch.cumsum(sorted_probs, dim=-1) <= p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return logits.masked_fill(~keep, float("-inf"))
''',
    },
    "gen-06-top-p-extra-token-at-equality": {
        "top_p_filter": '''
def top_p_filter(logits, p):
    probs = torch.softmax(logits, dim=-1)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = before <= p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return logits.masked_fill(~keep, float("-inf"))
''',
    },
    "gen-07-top-p-tiny-p-masks-everything": {
        "top_p_filter": '''
def top_p_filter(logits, p):
    probs = torch.softmax(logits, dim=-1)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    keep_sorted = (torch.cumsum(sorted_probs, dim=-1) - sorted_probs) < p
    keep_sorted = keep_sorted & (sorted_probs <= p)
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return logits.masked_fill(~keep, float("-inf"))
''',
    },
    "gen-08-top-p-before-temperature": {
        "sample_next": '''
def sample_next(logits, generator, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.argmax(logits, dim=-1)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    probs = torch.softmax(logits, dim=-1)
    flat = probs.reshape(-1, probs.shape[-1])
    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])
''',
    },
    "gen-09-warper-mutates-logits": {
        "top_k_filter": '''
def top_k_filter(logits, k):
    k = min(int(k), logits.shape[-1])
    indices = torch.topk(logits, k, dim=-1).indices
    drop = torch.ones_like(logits, dtype=torch.bool).scatter(-1, indices, False)
    logits[drop] = float("-inf")
    return logits
''',
    },
    "gen-10-softmax-over-batch-axis": {
        "sample_next": '''
def sample_next(logits, generator, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.argmax(logits, dim=-1)
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    probs = torch.softmax(logits, dim=0)
    flat = probs.reshape(-1, probs.shape[-1])
    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])
''',
    },
    "gen-10-extra-global-rng": {
        "sample_next": '''
def sample_next(logits, generator, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.argmax(logits, dim=-1)
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    probs = torch.softmax(logits, dim=-1)
    flat = probs.reshape(-1, probs.shape[-1])
    return torch.multinomial(flat, 1).reshape(probs.shape[:-1])
''',
    },
    "gen-11-beam-per-step-not-cumulative": {
        "beam_search": '''
@torch.no_grad()
def beam_search(model, input_ids, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    prompt = [int(t) for t in input_ids]
    alive = [(prompt, 0.0, 0.0)]
    finished = []
    for _ in range(max_new_tokens):
        candidates = []
        for tokens, logp, _last in alive:
            log_probs = torch.log_softmax(_next_logits(model, tokens).double(), dim=-1)
            candidates += [(tokens + [v], logp + float(lp), float(lp)) for v, lp in enumerate(log_probs)]
        candidates.sort(key=lambda c: c[2], reverse=True)
        alive = []
        for cand in candidates[:beam_width]:
            (finished if cand[0][-1] == eos_id else alive).append(cand)
        if not alive:
            break

    def score(beam):
        return beam[1] / (len(beam[0]) - len(prompt)) ** length_penalty

    best = max(finished + alive, key=score)
    return best[0], score(best)
''',
    },
    "gen-11-beam-product-of-probabilities": {
        "beam_search": '''
@torch.no_grad()
def beam_search(model, input_ids, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    prompt = [int(t) for t in input_ids]
    alive = [(prompt, 1.0)]
    finished = []
    for _ in range(max_new_tokens):
        candidates = []
        for tokens, prob in alive:
            probs = torch.softmax(_next_logits(model, tokens).double(), dim=-1)
            candidates += [(tokens + [v], prob * float(p)) for v, p in enumerate(probs)]
        candidates.sort(key=lambda c: c[1], reverse=True)
        alive = []
        for tokens, prob in candidates[:beam_width]:
            (finished if tokens[-1] == eos_id else alive).append((tokens, prob))
        if not alive:
            break

    def score(beam):
        return beam[1] / (len(beam[0]) - len(prompt)) ** length_penalty

    best = max(finished + alive, key=score)
    return best[0], score(best)
''',
    },
    "gen-11-beam-per-beam-top-k": {
        "beam_search": '''
@torch.no_grad()
def beam_search(model, input_ids, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    prompt = [int(t) for t in input_ids]
    alive = [(prompt, 0.0)]
    finished = []
    for _ in range(max_new_tokens):
        candidates = []
        for tokens, logp in alive:
            log_probs = torch.log_softmax(_next_logits(model, tokens).double(), dim=-1)
            best = torch.topk(log_probs, beam_width).indices.tolist()
            candidates += [(tokens + [v], logp + float(log_probs[v])) for v in best]
        alive = []
        for tokens, logp in candidates[:beam_width]:
            (finished if tokens[-1] == eos_id else alive).append((tokens, logp))
        if not alive:
            break

    def score(beam):
        return beam[1] / (len(beam[0]) - len(prompt)) ** length_penalty

    best = max(finished + alive, key=score)
    return best[0], score(best)
''',
    },
    "gen-11-beam-finished-keep-extending": {
        "beam_search": '''
@torch.no_grad()
def beam_search(model, input_ids, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    prompt = [int(t) for t in input_ids]
    alive = [(prompt, 0.0)]
    for _ in range(max_new_tokens):
        candidates = []
        for tokens, logp in alive:
            log_probs = torch.log_softmax(_next_logits(model, tokens).double(), dim=-1)
            candidates += [(tokens + [v], logp + float(lp)) for v, lp in enumerate(log_probs)]
        candidates.sort(key=lambda c: c[1], reverse=True)
        alive = candidates[:beam_width]

    def score(beam):
        return beam[1] / (len(beam[0]) - len(prompt)) ** length_penalty

    best = max(alive, key=score)
    return best[0], score(best)
''',
    },
    "gen-11-beam-length-norm-over-prompt": {
        "beam_search": '''
@torch.no_grad()
def beam_search(model, input_ids, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
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
        return beam[1] / len(beam[0]) ** length_penalty

    best = max(finished + alive, key=score)
    return best[0], score(best)
''',
    },
    "gen-extra-kv-cache-positions-restart": {
        "forward_with_cache": '''
@torch.no_grad()
def forward_with_cache(model, ids, cache=None):
    past = 0 if cache is None else cache[0][0].shape[2]
    batch, t = ids.shape
    x = model.tok_emb(ids) + model.pos_emb(torch.arange(t))
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
''',
    },
    "gen-extra-kv-cache-square-mask": {
        "forward_with_cache": '''
@torch.no_grad()
def forward_with_cache(model, ids, cache=None):
    past = 0 if cache is None else cache[0][0].shape[2]
    batch, t = ids.shape
    x = model.tok_emb(ids) + model.pos_emb(torch.arange(past, past + t))
    mask = torch.ones(t, past + t, dtype=torch.bool).tril()
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
''',
    },
}

# Realistic buggy submissions for the demo (python -m grader.samples).
SAMPLES = {
    "bug-top-p-and-temperature": ["gen-05-top-p-drops-crossing-token", "gen-02-temperature-multiplies"],
    "bug-beam-and-cache": ["gen-11-beam-finished-keep-extending", "gen-extra-kv-cache-positions-restart"],
    "bug-greedy-first-position": ["gen-01-greedy-first-position"],
}
