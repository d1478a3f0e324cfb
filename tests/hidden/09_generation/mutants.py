"""Buggy variants of the reference, one per BUG_CATALOG "Output generation" row (row 12 is the
repetition penalty, Hugging Face's rule) and the extra edges the notebook states.

Each entry changes top-level definitions of solutions/09_generation.py: a list of (old, new) edits
to the reference definition, or its whole new source.
tests/project/test_hidden_suites.py grades every one and asserts that it loses points.
"""

MUTANTS = {
    "gen-01-greedy-first-position": {
        "_next_logits": [
            ("return model(torch.tensor([tokens], dtype=torch.long))[0, -1]",
             "return model(torch.tensor([tokens], dtype=torch.long))[0, 0]"),
        ],
    },
    "gen-02-temperature-multiplies": {
        "apply_temperature": [
            ('raise ValueError("temperature는 0보다 커야 합니다 (T = 0은 sample_next에서 greedy로 처리).")',
             'raise ValueError("temperature")'),
            ("return logits / temperature", "return logits * temperature"),
        ],
    },
    "gen-02-temperature-zero-divides": {
        "apply_temperature": [
            ("    if temperature <= 0:\n"
             '        raise ValueError("temperature는 0보다 커야 합니다 (T = 0은 sample_next에서 greedy로 처리).")',
             ""),
        ],
        "sample_next": [
            ("    if temperature == 0:\n"
             "        return torch.argmax(logits, dim=-1)",
             ""),
            ("    draws = torch.multinomial(flat, 1, generator=generator)\n"
             "    return draws.reshape(probs.shape[:-1])",
             "    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])"),
        ],
    },
    "gen-03-temperature-on-probabilities": {
        "sample_next": [
            ("    logits = apply_temperature(logits, temperature)", ""),
            ("probs = torch.softmax(logits, dim=-1)", "probs = torch.softmax(logits, dim=-1) / temperature"),
            ("    draws = torch.multinomial(flat, 1, generator=generator)\n"
             "    return draws.reshape(probs.shape[:-1])",
             "    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])"),
        ],
    },
    "gen-04-top-k-keeps-ties": {
        "top_k_filter": [
            ("    values, indices = torch.topk(logits, k, dim=-1)\n"
             '    filtered = torch.full_like(logits, float("-inf"))\n'
             "    return filtered.scatter(-1, indices, values)",
             "    threshold = torch.topk(logits, k, dim=-1).values[..., -1:]\n"
             '    return logits.masked_fill(logits < threshold, float("-inf"))'),
        ],
    },
    "gen-05-top-p-drops-crossing-token": {
        "top_p_filter": [
            ("    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
             "    keep_sorted = before < p",
             "    keep_sorted = torch.cumsum(sorted_probs, dim=-1) <= p"),
        ],
    },
    "gen-06-top-p-extra-token-at-equality": {
        "top_p_filter": [("keep_sorted = before < p", "keep_sorted = before <= p")],
    },
    "gen-07-top-p-tiny-p-masks-everything": {
        "top_p_filter": [
            ("    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
             "    keep_sorted = before < p\n"
             "    keep_sorted[..., 0] = True",
             "    keep_sorted = (torch.cumsum(sorted_probs, dim=-1) - sorted_probs) < p\n"
             "    keep_sorted = keep_sorted & (sorted_probs <= p)"),
        ],
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
        "top_k_filter": [
            ("    values, indices = torch.topk(logits, k, dim=-1)\n"
             '    filtered = torch.full_like(logits, float("-inf"))\n'
             "    return filtered.scatter(-1, indices, values)",
             "    indices = torch.topk(logits, k, dim=-1).indices\n"
             "    drop = torch.ones_like(logits, dtype=torch.bool).scatter(-1, indices, False)\n"
             '    logits[drop] = float("-inf")\n'
             "    return logits"),
        ],
    },
    "gen-10-softmax-over-batch-axis": {
        "sample_next": [
            ("probs = torch.softmax(logits, dim=-1)", "probs = torch.softmax(logits, dim=0)"),
            ("    draws = torch.multinomial(flat, 1, generator=generator)\n"
             "    return draws.reshape(probs.shape[:-1])",
             "    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])"),
        ],
    },
    "gen-10-extra-global-rng": {
        "sample_next": [
            ("    draws = torch.multinomial(flat, 1, generator=generator)\n"
             "    return draws.reshape(probs.shape[:-1])",
             "    return torch.multinomial(flat, 1).reshape(probs.shape[:-1])"),
        ],
    },
    "gen-11-beam-per-step-not-cumulative": {
        "beam_search": [
            ("alive = [(prompt, 0.0)]", "alive = [(prompt, 0.0, 0.0)]"),
            ("for tokens, logp in alive:", "for tokens, logp, _last in alive:"),
            ("candidates += [(tokens + [v], logp + float(lp)) for v, lp in enumerate(log_probs)]",
             "candidates += [(tokens + [v], logp + float(lp), float(lp)) for v, lp in enumerate(log_probs)]"),
            ("candidates.sort(key=lambda c: c[1], reverse=True)",
             "candidates.sort(key=lambda c: c[2], reverse=True)"),
            ("for tokens, logp in candidates[:beam_width]:", "for cand in candidates[:beam_width]:"),
            ("(finished if tokens[-1] == eos_id else alive).append((tokens, logp))",
             "(finished if cand[0][-1] == eos_id else alive).append(cand)"),
        ],
    },
    "gen-11-beam-product-of-probabilities": {
        "beam_search": [
            ("alive = [(prompt, 0.0)]", "alive = [(prompt, 1.0)]"),
            ("for tokens, logp in alive:", "for tokens, prob in alive:"),
            ("log_probs = torch.log_softmax(_next_logits(model, tokens).double(), dim=-1)",
             "probs = torch.softmax(_next_logits(model, tokens).double(), dim=-1)"),
            ("candidates += [(tokens + [v], logp + float(lp)) for v, lp in enumerate(log_probs)]",
             "candidates += [(tokens + [v], prob * float(p)) for v, p in enumerate(probs)]"),
            ("for tokens, logp in candidates[:beam_width]:", "for tokens, prob in candidates[:beam_width]:"),
            ("(finished if tokens[-1] == eos_id else alive).append((tokens, logp))",
             "(finished if tokens[-1] == eos_id else alive).append((tokens, prob))"),
        ],
    },
    "gen-11-beam-per-beam-top-k": {
        "beam_search": [
            ("candidates += [(tokens + [v], logp + float(lp)) for v, lp in enumerate(log_probs)]",
             "best = torch.topk(log_probs, beam_width).indices.tolist()\n"
             "            candidates += [(tokens + [v], logp + float(log_probs[v])) for v in best]"),
            ("        candidates.sort(key=lambda c: c[1], reverse=True)\n", ""),
        ],
    },
    "gen-11-beam-finished-keep-extending": {
        "beam_search": [
            ("    finished = []", ""),
            ("        alive = []\n"
             "        for tokens, logp in candidates[:beam_width]:\n"
             "            (finished if tokens[-1] == eos_id else alive).append((tokens, logp))\n"
             "        if not alive:\n"
             "            break",
             "        alive = candidates[:beam_width]"),
            ("best = max(finished + alive, key=score)", "best = max(alive, key=score)"),
        ],
    },
    "gen-11-beam-length-norm-over-prompt": {
        "beam_search": [
            ("return beam[1] / (len(beam[0]) - len(prompt)) ** length_penalty",
             "return beam[1] / len(beam[0]) ** length_penalty"),
        ],
    },
    "gen-extra-kv-cache-positions-restart": {
        "forward_with_cache": [
            ("    positions = torch.arange(past, past + t)\n"
             "    x = model.tok_emb(ids) + model.pos_emb(positions)",
             "    x = model.tok_emb(ids) + model.pos_emb(torch.arange(t))"),
        ],
    },
    "gen-extra-kv-cache-square-mask": {
        "forward_with_cache": [
            ("    positions = torch.arange(past, past + t)\n"
             "    x = model.tok_emb(ids) + model.pos_emb(positions)\n"
             "    mask = torch.ones(t, past + t, dtype=torch.bool).tril(diagonal=past)",
             "    x = model.tok_emb(ids) + model.pos_emb(torch.arange(past, past + t))\n"
             "    mask = torch.ones(t, past + t, dtype=torch.bool).tril()"),
        ],
    },
    "gen-extra-top-k-above-vocabulary-crashes": {
        "top_k_filter": [("k = min(int(k), logits.shape[-1])", "k = int(k)")],
    },
    "gen-09-sample-next-divides-logits-in-place": {
        "sample_next": [("    logits = apply_temperature(logits, temperature)\n",
                         "    logits /= temperature\n")],
    },
    "gen-10-sample-next-first-row-for-every-row": {
        "sample_next": [
            ("    flat = probs.reshape(-1, probs.shape[-1])\n"
             "    draws = torch.multinomial(flat, 1, generator=generator)\n"
             "    return draws.reshape(probs.shape[:-1])",
             "    flat = probs.reshape(-1, probs.shape[-1])\n"
             "    return torch.multinomial(flat[0], len(flat), replacement=True, generator=generator)"
             ".reshape(probs.shape[:-1])"),
        ],
    },
    "gen-extra-negative-temperature-is-greedy": {
        "sample_next": [("    if temperature == 0:\n", "    if temperature <= 0:\n")],
    },
    "gen-extra-greedy-appends-to-the-prompt": {
        "greedy_decode": [("tokens = [int(t) for t in input_ids]", "tokens = input_ids")],
    },
    "gen-extra-beam-keeps-the-prompt-tensor": {
        "beam_search": [("prompt = [int(t) for t in input_ids]", "prompt = input_ids")],
    },
    "gen-12-repetition-penalty-per-occurrence": {
        "apply_repetition_penalty": [
            ("    seen = torch.zeros(logits.shape, dtype=torch.bool, device=logits.device).scatter(-1, ids, True)\n"
             "    penalized = torch.where(logits > 0, logits / penalty, logits * penalty)\n"
             "    return torch.where(seen, penalized, logits)",
             "    counts = torch.zeros(logits.shape, device=logits.device).scatter_add(\n"
             "        -1, ids, torch.ones(ids.shape, device=logits.device))\n"
             "    factor = penalty ** counts\n"
             "    return torch.where(logits > 0, logits / factor, logits * factor)"),
        ],
    },
    "gen-12-repetition-penalty-divides-negative-logits": {
        "apply_repetition_penalty": [
            ("penalized = torch.where(logits > 0, logits / penalty, logits * penalty)",
             "penalized = logits / penalty"),
        ],
    },
    "gen-12-repetition-penalty-first-row-for-every-row": {
        "apply_repetition_penalty": '''
def apply_repetition_penalty(logits, previous_ids, penalty):
    if penalty <= 0:
        raise ValueError("penalty")
    ids = torch.as_tensor(previous_ids, dtype=torch.long)
    if ids.dim() == 2:
        ids = ids[0]
    seen = torch.zeros(logits.shape[-1], dtype=torch.bool).scatter(0, ids, True)
    penalized = torch.where(logits > 0, logits / penalty, logits * penalty)
    return torch.where(seen, penalized, logits)
''',
    },
    "gen-12-repetition-penalty-mutates-logits": {
        "apply_repetition_penalty": [
            ("    return torch.where(seen, penalized, logits)",
             "    logits[seen] = penalized[seen]\n"
             "    return logits"),
        ],
    },
    "gen-12-repetition-penalty-accepts-zero": {
        "apply_repetition_penalty": [("    if penalty <= 0:\n", "    if penalty < 0:\n")],
    },
}

# Realistic buggy submissions for the demo (python -m grader.authoring.samples).
SAMPLES = {
    "bug-top-p-and-temperature": ["gen-05-top-p-drops-crossing-token", "gen-02-temperature-multiplies"],
    "bug-beam-and-cache": ["gen-11-beam-finished-keep-extending", "gen-extra-kv-cache-positions-restart"],
    "bug-greedy-first-position": ["gen-01-greedy-first-position"],
    "bug-repetition-penalty-sign": ["gen-12-repetition-penalty-divides-negative-logits"],
}

# Correct solutions written differently (tests/project/test_hidden_suites.py: each keeps 100 points).
ALTERNATIVES = {
    # Hugging Face's way: top-p from an ascending sort (drop a token when it and everything less likely
    # hold at most 1 - p), top-k from argsort, the repetition penalty by gather / scatter.
    "alt-hugging-face-style-filters": {
        "top_k_filter": '''
def top_k_filter(logits, k):
    k = min(k, logits.shape[-1])
    order = torch.argsort(logits, dim=-1, descending=True)
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, order[..., :k], True)
    return torch.where(keep, logits, torch.full_like(logits, float("-inf")))
''',
        "top_p_filter": '''
def top_p_filter(logits, p):
    sorted_logits, sorted_indices = torch.sort(logits, dim=-1)
    tail = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)
    remove_sorted = tail <= 1 - p
    remove_sorted[..., -1] = False
    remove = remove_sorted.scatter(-1, sorted_indices, remove_sorted)
    return logits.masked_fill(remove, float("-inf"))
''',
        "apply_repetition_penalty": '''
def apply_repetition_penalty(logits, previous_ids, penalty):
    if not penalty > 0:
        raise ValueError("penalty > 0")
    scores = logits.reshape(-1, logits.shape[-1])
    ids = torch.as_tensor(previous_ids, dtype=torch.long).reshape(scores.shape[0], -1)
    picked = torch.gather(scores, 1, ids)
    picked = torch.where(picked < 0, picked * penalty, picked / penalty)
    return scores.scatter(1, ids, picked).reshape(logits.shape)
''',
    },
    # Inverse-CDF sampling with the given generator instead of torch.multinomial.
    "alt-inverse-cdf-sampling": {
        "sample_next": '''
def sample_next(logits, generator, temperature=1.0, top_k=None, top_p=None):
    if temperature < 0:
        raise ValueError("temperature < 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    z = apply_temperature(logits, temperature)
    if top_k is not None:
        z = top_k_filter(z, top_k)
    if top_p is not None:
        z = top_p_filter(z, top_p)
    cdf = torch.softmax(z, dim=-1).cumsum(dim=-1).contiguous()
    u = torch.rand(cdf.shape[:-1] + (1,), generator=generator, dtype=cdf.dtype) * cdf[..., -1:]
    ids = torch.searchsorted(cdf, u, right=True).squeeze(-1)
    return ids.clamp(max=logits.shape[-1] - 1)
''',
    },
    # Greedy on a growing tensor, beam search by one topk over every beam's candidates, the KV cache
    # with einsum, a comparison mask and [K, V] lists, cached greedy with a while loop, the penalty by loops.
    "alt-tensor-greedy-topk-beam-einsum-cache": {
        "greedy_decode": '''
@torch.no_grad()
def greedy_decode(model, input_ids, max_new_tokens, eos_id=None):
    ids = torch.as_tensor(input_ids, dtype=torch.long).reshape(1, -1).clone()
    for _ in range(max_new_tokens):
        next_id = model(ids)[0, -1].argmax()
        ids = torch.cat([ids, next_id.reshape(1, 1)], dim=1)
        if eos_id is not None and int(next_id) == eos_id:
            break
    return ids[0].tolist()
''',
        "beam_search": '''
@torch.no_grad()
def beam_search(model, input_ids, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    prompt = [int(t) for t in input_ids]
    beams, scores = [prompt], torch.zeros(1, dtype=torch.float64)
    finished, next_beams = [], beams
    for _ in range(max_new_tokens):
        rows = torch.stack([torch.log_softmax(model(torch.tensor([b]))[0, -1].double(), dim=-1)
                            for b in beams])
        vocab = rows.shape[1]
        best = torch.topk((scores[:, None] + rows).reshape(-1), min(beam_width, rows.numel()))
        next_beams, next_scores = [], []
        for value, flat in zip(best.values.tolist(), best.indices.tolist()):
            tokens = beams[flat // vocab] + [flat % vocab]
            if tokens[-1] == eos_id:
                finished.append((tokens, value))
            else:
                next_beams.append(tokens)
                next_scores.append(value)
        if not next_beams:
            break
        beams, scores = next_beams, torch.tensor(next_scores, dtype=torch.float64)

    def normalized(candidate):
        return candidate[1] / (len(candidate[0]) - len(prompt)) ** length_penalty

    if next_beams:
        finished += list(zip(beams, scores.tolist()))
    best = max(finished, key=normalized)
    return best[0], normalized(best)
''',
        "forward_with_cache": '''
@torch.no_grad()
def forward_with_cache(model, ids, cache=None):
    past = cache[0][0].shape[-2] if cache else 0
    batch, t = ids.shape
    x = model.tok_emb(ids) + model.pos_emb(torch.arange(past, past + t))
    allowed = torch.arange(past + t)[None, :] <= torch.arange(past, past + t)[:, None]
    new_cache = []
    for i, block in enumerate(model.blocks):
        attn = block.attn
        h = block.ln1(x)
        q, k, v = (proj(h).reshape(batch, t, attn.n_heads, attn.d_head).permute(0, 2, 1, 3)
                   for proj in (attn.q_proj, attn.k_proj, attn.v_proj))
        if cache:
            k = torch.cat((cache[i][0], k), dim=-2)
            v = torch.cat((cache[i][1], v), dim=-2)
        new_cache.append([k, v])
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / attn.d_head ** 0.5
        weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
        out = torch.einsum("bhqk,bhkd->bhqd", weights, v).permute(0, 2, 1, 3).reshape(batch, t, -1)
        x = x + attn.o_proj(out)
        x = x + block.ff(block.ln2(x))
    return model.head(model.ln_f(x)), new_cache
''',
        "greedy_decode_cached": '''
@torch.no_grad()
def greedy_decode_cached(model, input_ids, max_new_tokens, eos_id=None):
    tokens = [int(t) for t in input_ids]
    logits, cache = forward_with_cache(model, torch.tensor([tokens]))
    generated = 0
    while generated < max_new_tokens:
        next_id = int(logits[0, -1].argmax())
        tokens.append(next_id)
        generated += 1
        if next_id == eos_id or generated == max_new_tokens:
            break
        logits, cache = forward_with_cache(model, torch.tensor([[next_id]]), cache)
    return tokens
''',
        "apply_repetition_penalty": '''
def apply_repetition_penalty(logits, previous_ids, penalty):
    if penalty <= 0:
        raise ValueError("penalty > 0")
    out = logits.clone()
    rows = out.reshape(-1, out.shape[-1])
    previous = torch.as_tensor(previous_ids).reshape(rows.shape[0], -1)
    for row, ids in zip(rows, previous):
        for i in set(int(t) for t in ids.tolist()):
            row[i] = row[i] / penalty if row[i] > 0 else row[i] * penalty
    return out
''',
    },
}
