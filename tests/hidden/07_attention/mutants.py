"""Buggy variants of the 07 reference, one per BUG_CATALOG "Self-attention" row (see the keys).

Row 7 (causal mask misaligned when n_q < n_k) has no place in the fixed API: causal_mask(t) is square.

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py), or its
whole new source where the mutant is built differently.
"""

MHA = "MultiHeadSelfAttention"

MUTANTS = {
    'attn-01-missing-scale': {
        'attention_weights': [
            ('    d_k = q.shape[-1]\n'
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)',
             '    scores = q @ k.transpose(-2, -1)'),
        ],
    },
    'attn-02-scale-by-d-k': {
        'attention_weights': [
            ('    d_k = q.shape[-1]\n'
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)',
             '    scores = q @ k.transpose(-2, -1) / q.shape[-1]'),
        ],
    },
    'attn-03-softmax-over-query-axis': {
        'attention_weights': [
            ('    d_k = q.shape[-1]\n'
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)',
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])'),
            ('return softmax(scores, dim=-1)', 'return softmax(scores, dim=-2)'),
        ],
    },
    'attn-04-mask-polarity-inverted': {
        'attention_weights': [
            ('    d_k = q.shape[-1]\n'
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)',
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])'),
            ('scores = scores.masked_fill(~mask, float("-inf"))',
             'scores = scores.masked_fill(mask, float("-inf"))'),
        ],
        'causal_mask': [
            ('return torch.ones(t, t, dtype=torch.bool).tril()',
             'return torch.ones(t, t, dtype=torch.bool).triu(1)'),
        ],
    },
    'attn-05-masked-scores-set-to-zero': {
        'attention_weights': [
            ('    d_k = q.shape[-1]\n'
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)',
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])'),
            ('scores = scores.masked_fill(~mask, float("-inf"))', 'scores = scores.masked_fill(~mask, 0.0)'),
        ],
    },
    'attn-05-mask-after-softmax-no-renorm': {
        'attention_weights': '''
def attention_weights(q, k, mask=None):
    weights = softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights
''',
    },
    'attn-06-causal-diagonal-excluded': {
        'causal_mask': [
            ('return torch.ones(t, t, dtype=torch.bool).tril()',
             'return torch.ones(t, t, dtype=torch.bool).tril(-1)'),
        ],
    },
    'attn-06-causal-one-step-ahead': {
        'causal_mask': [
            ('return torch.ones(t, t, dtype=torch.bool).tril()',
             'return torch.ones(t, t, dtype=torch.bool).tril(1)'),
        ],
    },
    'attn-08-softmax-without-max-subtraction': {
        'softmax': [
            ('    shifted = x - x.amax(dim=dim, keepdim=True)\n'
             '    exps = torch.exp(shifted)',
             '    exps = torch.exp(x)'),
        ],
    },
    'attn-11-scales-query-in-place': {
        'attention_weights': [
            ('d_k = q.shape[-1]', 'q /= math.sqrt(q.shape[-1])'),
            ('scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)', 'scores = q @ k.transpose(-2, -1)'),
        ],
    },
    'attn-11-masks-scores-in-place-of-mask-argument': {
        'attention_weights': [
            ('    d_k = q.shape[-1]\n'
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)',
             '    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])'),
            ('        scores = scores.masked_fill(~mask, float("-inf"))',
             '        mask.logical_not_()\n'
             '        scores = scores.masked_fill(mask, float("-inf"))'),
        ],
    },
    'attn-extra-softmax-ignores-dim': {
        'softmax': [
            ('shifted = x - x.amax(dim=dim, keepdim=True)', 'shifted = x - x.amax(dim=-1, keepdim=True)'),
            ('return exps / exps.sum(dim=dim, keepdim=True)', 'return exps / exps.sum(dim=-1, keepdim=True)'),
        ],
    },
    # Issue 17 §3: the weakness classes beyond the catalog (dtype, gradients, the caller's input).
    'attn-extra-softmax-computes-in-float32': {
        'softmax': [('exps = torch.exp(shifted)', 'exps = torch.exp(shifted.float())')],
    },
    'attn-extra-softmax-subtracts-max-in-place': {
        'softmax': [('shifted = x - x.amax(dim=dim, keepdim=True)', 'shifted = x.sub_(x.amax(dim=dim, keepdim=True))')],
    },
    'attn-extra-sdpa-detached-weights': {
        'scaled_dot_product_attention': [
            ('return attention_weights(q, k, mask) @ v', 'return attention_weights(q, k, mask).detach() @ v'),
        ],
    },
    'attn-extra-mha-query-weight-detached': {MHA: [
        ('q = self._split_heads(self.q_proj(x))',
         'q = self._split_heads(x @ self.q_proj.weight.detach().T + self.q_proj.bias)'),
    ]},
    'attn-02-mha-scales-by-d-model': {MHA: [
        ('heads = scaled_dot_product_attention(q, k, v, mask)',
         'heads = scaled_dot_product_attention(q * (self.d_head / self.d_model) ** 0.5, k, v, mask)'),
    ]},
    'attn-09-split-heads-without-transpose': {MHA: [
        ('return x.view(batch, t, self.n_heads, self.d_head).transpose(1, 2)',
         'return x.view(batch, self.n_heads, t, self.d_head)'),
    ]},
    'attn-09-merge-heads-wrong-order': {MHA: [
        ('return x.transpose(1, 2).reshape(batch, t, self.d_model)',
         'return x.reshape(batch, t, self.d_model)'),
    ]},
    'attn-10-no-output-projection': {MHA: [
        ('return self.o_proj(self._merge_heads(heads))', 'return self._merge_heads(heads)'),
    ]},
    'attn-10-output-bias-ignored': {MHA: [
        ('return self.o_proj(self._merge_heads(heads))',
         'return self._merge_heads(heads) @ self.o_proj.weight.T'),
    ]},
    'attn-12-dropout-active-in-eval': {MHA: [
        ('heads = scaled_dot_product_attention(q, k, v, mask)',
         'heads = torch.nn.functional.dropout(scaled_dot_product_attention(q, k, v, mask), 0.1)'),
    ]},
}

SAMPLES = {
    "bug-mask-polarity": ["attn-04-mask-polarity-inverted"],
    "bug-no-scale-no-max": ["attn-01-missing-scale", "attn-08-softmax-without-max-subtraction"],
    "bug-heads-without-transpose": ["attn-09-split-heads-without-transpose"],
}
