"""Buggy variants of the reference, one per BUG_CATALOG "Output generation" row (row 12, the
frequency/repetition penalty, is outside 09's fixed API and has no mutant).

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
}

# Realistic buggy submissions for the demo (python -m grader.samples).
SAMPLES = {
    "bug-top-p-and-temperature": ["gen-05-top-p-drops-crossing-token", "gen-02-temperature-multiplies"],
    "bug-beam-and-cache": ["gen-11-beam-finished-keep-extending", "gen-extra-kv-cache-positions-restart"],
    "bug-greedy-first-position": ["gen-01-greedy-first-position"],
}
