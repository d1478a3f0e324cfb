"""Buggy variants of the 08 reference, one per BUG_CATALOG row of "Feed-forward, LayerNorm, stacking
blocks" (block-*) plus rows 4 and 8 of "Embeddings and positional encodings" (emb-*), which live in
MiniGPT. Rows 5 (RMSNorm) and 8 (SwiGLU) of the block section are outside the fixed API.

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py), or its
whole new source where the mutant is built differently.
"""

MUTANTS = {
    'block-01-unbiased-variance': {
        'layer_norm': [
            ('var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)', 'var = x.var(dim=-1, keepdim=True)'),
        ],
    },
    'block-02-eps-outside-sqrt': {
        'layer_norm': [
            ('return (x - mean) / torch.sqrt(var + eps) * weight + bias',
             'return (x - mean) / (torch.sqrt(var) + eps) * weight + bias'),
        ],
    },
    'block-03-normalizes-wrong-axis': {
        'layer_norm': [
            ('mean = x.mean(dim=-1, keepdim=True)', 'mean = x.mean(dim=-2, keepdim=True)'),
            ('var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)',
             'var = ((x - mean) ** 2).mean(dim=-2, keepdim=True)'),
        ],
    },
    'block-04-gamma-beta-swapped': {
        'layer_norm': [
            ('return (x - mean) / torch.sqrt(var + eps) * weight + bias',
             'return (x - mean) / torch.sqrt(var + eps) * bias + weight'),
        ],
    },
    'block-04-gamma-beta-ignored': {
        'layer_norm': [
            ('return (x - mean) / torch.sqrt(var + eps) * weight + bias',
             'return (x - mean) / torch.sqrt(var + eps)'),
        ],
    },
    'block-extra-layer-norm-centres-input-in-place': {
        'layer_norm': '''
def layer_norm(x, weight, bias, eps=1e-5):
    x -= x.mean(dim=-1, keepdim=True)
    var = (x ** 2).mean(dim=-1, keepdim=True)
    return x / torch.sqrt(var + eps) * weight + bias
''',
    },
    'block-06-post-norm': {
        'TransformerBlock': [
            ('x = x + self.attn(self.ln1(x), mask)', 'x = self.ln1(x + self.attn(x, mask))'),
            ('return x + self.ff(self.ln2(x))', 'return self.ln2(x + self.ff(x))'),
        ],
    },
    'block-06-residual-adds-normalized-x': {
        'TransformerBlock': [
            ('        x = x + self.attn(self.ln1(x), mask)\n'
             '        return x + self.ff(self.ln2(x))',
             '        h = self.ln1(x)\n'
             '        x = h + self.attn(h, mask)\n'
             '        h = self.ln2(x)\n'
             '        return h + self.ff(h)'),
        ],
    },
    'block-07-gelu-tanh-approximation': {
        'gelu': [
            ('return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))',
             'return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))'),
        ],
    },
    'block-09-final-norm-missing': {
        'MiniGPT': [('return self.head(self.ln_f(x))', 'return self.head(x)')],
    },
    'block-09-logits-shape-b-v-t': {
        'MiniGPT': [('return self.head(self.ln_f(x))', 'return self.head(self.ln_f(x)).transpose(1, 2)')],
    },
    'block-extra-causal-mask-missing': {
        'TransformerBlock': [('x = x + self.attn(self.ln1(x), mask)', 'x = x + self.attn(self.ln1(x))')],
    },
    'block-extra-ffn-relu-instead-of-gelu': {
        'FeedForward': [('return self.fc2(gelu(self.fc1(x)))', 'return self.fc2(torch.relu(self.fc1(x)))')],
    },
    'block-extra-count-head-twice': {
        'count_parameters': [
            ('return vocab_size * d + n_ctx * d + n_layers * per_block + 2 * d',
             'return 2 * vocab_size * d + n_ctx * d + n_layers * per_block + 2 * d'),
        ],
    },
    'block-extra-count-assumes-d-ff-4d': {
        'count_parameters': [
            ('    per_block = 4 * d * d + 2 * d * d_ff + 9 * d + d_ff\n'
             '    return vocab_size * d + n_ctx * d + n_layers * per_block + 2 * d',
             '    return vocab_size * d + n_ctx * d + n_layers * (12 * d * d + 13 * d) + 2 * d'),
        ],
    },
    # Issue 17 §3: the weakness classes beyond the catalog (dtype, gradients).
    'block-extra-layer-norm-returns-float32': {
        'layer_norm': [('    return (x - mean) / torch.sqrt(var + eps) * weight + bias',
                        '    return ((x - mean) / torch.sqrt(var + eps) * weight + bias).float()')],
    },
    'block-extra-layer-norm-detached-variance': {
        'layer_norm': [('var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)',
                        'var = ((x - mean) ** 2).mean(dim=-1, keepdim=True).detach()')],
    },
    'block-extra-gelu-detached': {
        'gelu': [('    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))',
                  '    return (0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))).detach()')],
    },
    'block-extra-block-residual-detached': {
        'TransformerBlock': [('x = x + self.attn(self.ln1(x), mask)', 'x = x.detach() + self.attn(self.ln1(x), mask)')],
    },
    'emb-04-positions-added-along-batch-axis': {
        'MiniGPT': [
            ('x = self.tok_emb(ids) + self.pos_emb(positions)',
             'x = self.tok_emb(ids) + self.pos_emb(positions)[:, None, :]'),
        ],
    },
    'emb-08-head-copied-not-tied': {
        'MiniGPT': [
            ('self.head.weight = self.tok_emb.weight',
             'self.head.weight = nn.Parameter(self.tok_emb.weight.detach().clone())'),
        ],
    },
}

SAMPLES = {
    "bug-unbiased-variance-post-norm": ["block-01-unbiased-variance", "block-06-post-norm"],
    "bug-tanh-gelu": ["block-07-gelu-tanh-approximation"],
    "bug-untied-head": ["emb-08-head-copied-not-tied", "block-extra-count-head-twice"],
}
