"""Buggy variants of the 06 reference for the BUG_CATALOG "Embeddings and positional encodings" rows.

Rows 4 (positions added along the batch axis) and 8 (weight tying by copy) live in MiniGPT and are
mutants of 08_transformer_block. Row 7 (RoPE inside multi-head attention) is outside the fixed API:
MultiHeadSelfAttention has no RoPE.

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py).
"""

MUTANTS = {
    'emb-01-sinusoid-exponent-i-over-d': {
        'sinusoidal_positions': [
            ('exponents = torch.arange(0, d, 2, dtype=torch.float64) / d        # 2i/d, (d/2,)',
             'exponents = torch.arange(0, d // 2, dtype=torch.float64) / d        # 2i/d, (d/2,)'),
        ],
    },
    'emb-02-sin-cos-concatenated': {
        'sinusoidal_positions': [
            ('pe[:, 0::2] = torch.sin(angles)', 'pe[:, : d // 2] = torch.sin(angles)'),
            ('pe[:, 1::2] = torch.cos(angles)', 'pe[:, d // 2 :] = torch.cos(angles)'),
        ],
    },
    'emb-03-positions-start-at-1': {
        'sinusoidal_positions': [
            ('positions = torch.arange(t, dtype=torch.float64)[:, None]        # (t, 1)',
             'positions = torch.arange(1, t + 1, dtype=torch.float64)[:, None]        # (t, 1)'),
        ],
    },
    'emb-05-rope-half-split': {
        'apply_rope': [
            ('even, odd = x[..., 0::2], x[..., 1::2]', 'even, odd = x[..., : d // 2], x[..., d // 2 :]'),
            ('out[..., 0::2] = even * cos - odd * sin', 'out[..., : d // 2] = even * cos - odd * sin'),
            ('out[..., 1::2] = even * sin + odd * cos', 'out[..., d // 2 :] = even * sin + odd * cos'),
        ],
    },
    'emb-06-rope-frequency-2k-minus-1': {
        'apply_rope': [
            ('freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)        # (d/2,)',
             'freqs = theta ** (-(2 * torch.arange(1, d // 2 + 1, dtype=torch.float64) - 1) / d)        # (d/2,)'),
        ],
    },
    'emb-06-rope-positions-ignored': {
        'apply_rope': [
            ('angles = torch.as_tensor(positions, dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)',
             'angles = torch.arange(x.shape[-2], dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)'),
        ],
    },
    'emb-09-lookup-via-float32-one-hot': {
        'embedding_lookup': [
            ('    return weight[ids]',
             '    one_hot = torch.nn.functional.one_hot(ids, weight.shape[0]).float()\n'
             '    return one_hot @ weight.float()'),
        ],
    },
    'emb-extra-grad-repeated-ids-overwrite': {
        'embedding_grad': [
            ('    return grad_weight.index_add(0, ids.reshape(-1), grad_output.reshape(-1, d))',
             '    grad_weight[ids.reshape(-1)] = grad_output.reshape(-1, d)\n'
             '    return grad_weight'),
        ],
    },
    'emb-extra-grad-rows-up-to-max-id': {
        'embedding_grad': [
            ('grad_weight = torch.zeros(num_embeddings, d, dtype=grad_output.dtype)',
             'grad_weight = torch.zeros(int(ids.max()) + 1, d, dtype=grad_output.dtype)'),
        ],
    },
    'emb-extra-rope-theta-ignored': {
        'apply_rope': [
            ('freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)        # (d/2,)',
             'freqs = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)        # (d/2,)'),
        ],
    },
    'emb-extra-rope-rotation-direction-flipped': {
        'apply_rope': [
            ('out[..., 0::2] = even * cos - odd * sin', 'out[..., 0::2] = even * cos + odd * sin'),
            ('out[..., 1::2] = even * sin + odd * cos', 'out[..., 1::2] = -even * sin + odd * cos'),
        ],
    },
    'emb-extra-rope-writes-into-input': {
        'apply_rope': [
            ('    even, odd = x[..., 0::2], x[..., 1::2]\n'
             '    out = torch.empty_like(x)\n'
             '    out[..., 0::2] = even * cos - odd * sin\n'
             '    out[..., 1::2] = even * sin + odd * cos\n'
             '    return out',
             '    even, odd = x[..., 0::2].clone(), x[..., 1::2].clone()\n'
             '    x[..., 0::2] = even * cos - odd * sin\n'
             '    x[..., 1::2] = even * sin + odd * cos\n'
             '    return x'),
        ],
    },
    # Issue 17 §3: per-example positions, the caller's weight.
    'emb-extra-rope-first-example-positions-for-all': {
        'apply_rope': [
            ('angles = torch.as_tensor(positions, dtype=torch.float64)[..., None] * freqs  # (..., T, d/2)',
             'angles = torch.as_tensor(positions, dtype=torch.float64).reshape(-1, x.shape[-2])[0][..., None] * freqs'),
        ],
    },
    'emb-extra-nearest-normalizes-weight-in-place': {
        'nearest_neighbors': [
            ('    sims = cosine_similarity(weight, weight[index][None, :])',
             '    weight /= weight.norm(dim=-1, keepdim=True)\n'
             '    sims = cosine_similarity(weight, weight[index][None, :])'),
        ],
    },
    'emb-extra-cosine-one-norm-only': {
        'cosine_similarity': [
            ('return (a * b).sum(-1) / (a.norm(dim=-1) * b.norm(dim=-1))',
             'return (a * b).sum(-1) / (a.norm(dim=-1) ** 2)'),
        ],
    },
    'emb-extra-nearest-includes-itself': {
        'nearest_neighbors': [('    sims[index] = float("-inf")', '')],
    },
    'emb-extra-nearest-by-dot-product': {
        'nearest_neighbors': [
            ('sims = cosine_similarity(weight, weight[index][None, :])', 'sims = weight @ weight[index]'),
        ],
    },
    'emb-extra-nearest-least-similar-first': {
        'nearest_neighbors': [
            ('sims[index] = float("-inf")', 'sims[index] = float("inf")'),
            ('return torch.topk(sims, k).indices.tolist()',
             'return torch.topk(sims, k, largest=False).indices.tolist()'),
        ],
    },
}

SAMPLES = {
    "bug-pe-concatenated": ["emb-02-sin-cos-concatenated"],
    "bug-rope-half-split": ["emb-05-rope-half-split"],
    "bug-grad-overwrite-dot-neighbours": ["emb-extra-grad-repeated-ids-overwrite", "emb-extra-nearest-by-dot-product"],
}
