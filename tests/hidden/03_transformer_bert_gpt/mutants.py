"""Buggy variants of solutions/03_transformer_bert_gpt.py: every BUG_CATALOG "BERT vs GPT" row, RNN/LSTM rows 7-8 through the GPT shift and loss, and
cross-attention / encoder-decoder mask slips.

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py).
"""

MUTANTS = {
    # BERT vs GPT row 1: labels keep every token (no -100 on unselected positions)
    'bert-gpt-1-labels-not-ignored': {
        'mask_tokens': [('    labels[~selected] = IGNORE_INDEX', '')],
    },
    # BERT vs GPT row 2: random replacement with 0.1 of the remainder (2 % instead of 10 %)
    'bert-gpt-2-random-share': {
        'mask_tokens': [
            ('randomized = (torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool()',
             'randomized = (torch.bernoulli(torch.full(shape, 0.1), generator=generator).bool()'),
        ],
    },
    # BERT vs GPT row 3: special tokens eligible
    'bert-gpt-3-specials-eligible': {
        'mask_tokens': [
            ('probability = torch.full(shape, float(mlm_probability)).masked_fill(special, 0.0)',
             'probability = torch.full(shape, float(mlm_probability))'),
        ],
    },
    # BERT vs GPT row 4: fixed count per sequence instead of a per-token draw
    'bert-gpt-4-fixed-count': {
        'mask_tokens': [
            ('    selected = torch.bernoulli(probability, generator=generator).bool()',
             '    selected = torch.zeros(shape, dtype=torch.bool)\n'
             '    for b in range(shape[0]):\n'
             '        eligible = (~special[b]).nonzero().flatten()\n'
             '        order = eligible[torch.randperm(len(eligible), generator=generator)]\n'
             '        selected[b, order[:round(mlm_probability * len(eligible))]] = True'),
        ],
    },
    # BERT vs GPT row 4: one draw per sequence (whole sequence selected or not)
    'bert-gpt-4-per-sequence': {
        'mask_tokens': [
            ('    selected = torch.bernoulli(probability, generator=generator).bool()',
             '    rows = torch.bernoulli(torch.full((shape[0], 1), float(mlm_probability)), generator=generator)\n'
             '    selected = rows.bool().expand(shape) & ~special'),
        ],
    },
    # BERT vs GPT row 5: CLM labels shifted twice
    'bert-gpt-5-double-shift': {
        'shift_for_causal_lm': [
            ('    labels = input_ids[:, 1:].clone()',
             '    labels = torch.full_like(inputs, IGNORE_INDEX)\n'
             '    labels[:, :-1] = input_ids[:, 2:]'),
        ],
    },
    # BERT vs GPT row 6: GPT without a causal mask
    'bert-gpt-6-gpt-without-causal': {
        'attention_mask': [('if causal:', 'if False:')],
    },
    # BERT vs GPT row 6 (also self-attention row 6): causal mask without its diagonal
    'bert-gpt-6-causal-diagonal': {
        'causal_mask': [
            ('return torch.tril(torch.ones(t, t, dtype=torch.bool))',
             'return torch.tril(torch.ones(t, t, dtype=torch.bool), diagonal=-1)'),
        ],
    },
    # BERT vs GPT row 7: BERT given a causal mask
    'bert-gpt-7-bert-given-causal': {
        'attention_mask': [('if causal:', 'if True:')],
    },
    # BERT vs GPT row 8: padding counted in the loss (mean over every position)
    'bert-gpt-8-padding-in-loss': {
        'lm_loss': [
            ('    return F.cross_entropy(logits.reshape(-1, vocab_size), labels.reshape(-1),\n'
             '                           ignore_index=IGNORE_INDEX)',
             '    losses = F.cross_entropy(logits.reshape(-1, vocab_size), labels.reshape(-1),\n'
             '                             ignore_index=IGNORE_INDEX, reduction="none")\n'
             '    return losses.mean()'),
        ],
    },
    # RNN/LSTM row 7: target not shifted (predicts the current token)
    'rnn-lstm-7-target-not-shifted': {
        'shift_for_causal_lm': [('labels = input_ids[:, 1:].clone()', 'labels = input_ids[:, :-1].clone()')],
    },
    # RNN/LSTM row 8: cross-entropy over the wrong axis of (B, T, V) logits
    'rnn-lstm-8-ce-wrong-axis': {
        'lm_loss': [
            ('    vocab_size = logits.shape[-1]\n'
             '    return F.cross_entropy(logits.reshape(-1, vocab_size), labels.reshape(-1),\n'
             '                           ignore_index=IGNORE_INDEX)',
             '    log_probs = torch.log_softmax(logits, dim=1)\n'
             '    keep = labels != IGNORE_INDEX\n'
             '    picked = log_probs.gather(-1, labels.clamp(min=0)[..., None])[..., 0]\n'
             '    return -picked[keep].mean()'),
        ],
    },
    # extra (encoder-decoder): cross-attention mask polarity inverted (padding kept, real tokens hidden)
    'bert-gpt-x-cross-mask-inverted': {
        'cross_attention': [('scores.masked_fill(~source_mask[:, None, :], float("-inf"))',
                             'scores.masked_fill(source_mask[:, None, :], float("-inf"))')],
    },
    # extra (encoder-decoder): the first sentence's source mask used for the whole batch
    'bert-gpt-x-cross-mask-first-example': {
        'cross_attention': [('scores.masked_fill(~source_mask[:, None, :], float("-inf"))',
                             'scores.masked_fill(~source_mask[:1, None, :], float("-inf"))')],
    },
    # extra (encoder-decoder): masked scores set to 0 instead of -inf
    'bert-gpt-x-cross-mask-zero': {
        'cross_attention': [('scores.masked_fill(~source_mask[:, None, :], float("-inf"))',
                             'scores.masked_fill(~source_mask[:, None, :], 0.0)')],
    },
    # extra (encoder-decoder): scaled by the value size d_v instead of the key size d_k
    'bert-gpt-x-cross-scale-by-dv': {
        'cross_attention': [('/ math.sqrt(q.shape[-1])', '/ math.sqrt(v.shape[-1])')],
    },
    # extra (encoder-decoder): softmax over the query axis
    'bert-gpt-x-cross-softmax-query-axis': {
        'cross_attention': [('weights = torch.softmax(scores, dim=-1)', 'weights = torch.softmax(scores, dim=-2)')],
    },
    # extra (encoder-decoder): values taken from the decoder
    'bert-gpt-x-cross-values-from-decoder': {
        'cross_attention': [('v = encoder_states @ W_v.T', 'v = encoder_states[:, :1] @ W_v.T')],
    },
    # extra (encoder-decoder): cross-attention leaves the graph (values right, no gradient)
    'bert-gpt-x-cross-detached': {
        'cross_attention': [('return weights @ v, weights', 'return (weights @ v).detach(), weights.detach()')],
    },
    # extra (encoder-decoder): the cross mask also hides the "future" source positions
    'bert-gpt-x-cross-mask-causal': {
        'encoder_decoder_masks': [('"cross": source_keys[:, None, :].expand(-1, t_target, -1).clone(),',
                                   '"cross": source_keys[:, None, :].expand(-1, t_target, -1)\n'
                                   '                 & torch.tril(torch.ones(t_target, t_source, dtype=torch.bool)),')],
    },
    # extra (encoder-decoder): the cross mask built from the target lengths
    'bert-gpt-x-cross-mask-target-lengths': {
        'encoder_decoder_masks': [('source_keys = padding_mask(source_lengths, t_source)',
                                   'source_keys = padding_mask([min(n, t_source) for n in target_lengths], t_source)')],
    },
    # extra (encoder-decoder): the decoder's self-attention without the causal mask
    'bert-gpt-x-decoder-not-causal': {
        'encoder_decoder_masks': [('"decoder": attention_mask(target_lengths, t_target, causal=True),',
                                   '"decoder": attention_mask(target_lengths, t_target, causal=False),')],
    },
    # extra (encoder-decoder): the encoder's self-attention made causal
    'bert-gpt-x-encoder-causal': {
        'encoder_decoder_masks': [('"encoder": attention_mask(source_lengths, t_source, causal=False),',
                                   '"encoder": attention_mask(source_lengths, t_source, causal=True),')],
    },
    # extra: labels read back from the inputs (a natural [MASK] id becomes a label)
    'bert-gpt-x-labels-from-inputs': {
        'mask_tokens': [('    inputs[randomized] = random_tokens[randomized]\n    return inputs, labels',
                         '    inputs[randomized] = random_tokens[randomized]\n'
                         '    labels = torch.where((inputs == mask_token_id) | selected, input_ids, IGNORE_INDEX)\n'
                         '    return inputs, labels')],
    },
    # extra: the caller's input_ids modified (labels built on the same tensor)
    'bert-gpt-x-shift-in-place': {
        'shift_for_causal_lm': [('    labels = input_ids[:, 1:].clone()', '    labels = input_ids[:, 1:]')],
    },
    # extra: mask_tokens replaces tokens in the caller's tensor
    'bert-gpt-x-mask-in-place': {
        'mask_tokens': [('    inputs = input_ids.clone()\n', '    inputs = input_ids\n')],
    },
    # extra: the loss computed through .item() (right value, no gradient)
    'bert-gpt-x-loss-detached': {
        'lm_loss': [('    return F.cross_entropy(logits.reshape(-1, vocab_size), labels.reshape(-1),\n'
                     '                           ignore_index=IGNORE_INDEX)',
                     '    return torch.tensor(F.cross_entropy(logits.reshape(-1, vocab_size), labels.reshape(-1),\n'
                     '                                        ignore_index=IGNORE_INDEX).item())')],
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-specials-and-padding-loss': ['bert-gpt-3-specials-eligible', 'bert-gpt-8-padding-in-loss'],
    'buggy-cross-attention-mask': ['bert-gpt-x-cross-mask-first-example', 'bert-gpt-x-cross-mask-causal'],
}

# Correct solutions written differently: each must keep full marks (tests/project/test_hidden_suites.py).
ALTERNATIVES = {
    # masks by comparing position grids, the padding rows repeated instead of expanded
    'alt-masks-by-comparison': {
        'causal_mask': '''
def causal_mask(t):
    positions = torch.arange(t)
    return positions[None, :] <= positions[:, None]
''',
        'padding_mask': '''
def padding_mask(lengths, t):
    return torch.stack([torch.arange(t) < int(n) for n in lengths])
''',
        'attention_mask': '''
def attention_mask(lengths, t, causal=False):
    mask = padding_mask(lengths, t).unsqueeze(1).repeat(1, t, 1)
    if causal:
        mask = mask & causal_mask(t).unsqueeze(0)
    return mask
''',
        'encoder_decoder_masks': '''
def encoder_decoder_masks(source_lengths, target_lengths, t_source, t_target):
    return {"encoder": attention_mask(source_lengths, t_source),
            "decoder": attention_mask(target_lengths, t_target, causal=True),
            "cross": padding_mask(source_lengths, t_source).unsqueeze(1).repeat(1, t_target, 1)}
''',
    },
    # one uniform draw per position for the 80/10/10 split (a different draw of the same law),
    # labels by torch.where, the loss by log_softmax and a mean over the kept positions
    'alt-uniform-draws-and-manual-loss': {
        'mask_tokens': '''
def mask_tokens(input_ids, mask_token_id, vocab_size, special_ids, generator, mlm_probability=0.15):
    special = torch.zeros_like(input_ids, dtype=torch.bool)
    for token in special_ids:
        special |= input_ids == token
    selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))
    split = torch.rand(input_ids.shape, generator=generator)
    random_ids = torch.randint(0, vocab_size, input_ids.shape, generator=generator)
    inputs = torch.where(selected & (split < 0.8), torch.full_like(input_ids, mask_token_id), input_ids)
    inputs = torch.where(selected & (split >= 0.8) & (split < 0.9), random_ids, inputs)
    return inputs, labels
''',
        'shift_for_causal_lm': '''
def shift_for_causal_lm(input_ids, pad_id):
    targets = input_ids[:, 1:]
    return input_ids[:, :-1].clone(), torch.where(targets == pad_id, torch.full_like(targets, -100), targets)
''',
        'lm_loss': '''
def lm_loss(logits, labels):
    keep = labels != -100
    log_probs = torch.log_softmax(logits, dim=-1)
    picked = log_probs.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return -picked[keep].mean()
''',
    },
    # cross-attention with einsum and torch.where
    'alt-einsum-cross-attention': {
        'cross_attention': '''
def cross_attention(decoder_states, encoder_states, W_q, W_k, W_v, source_mask=None):
    q = torch.einsum("btd,kd->btk", decoder_states, W_q)
    k = torch.einsum("bsd,kd->bsk", encoder_states, W_k)
    v = torch.einsum("bsd,vd->bsv", encoder_states, W_v)
    scores = torch.einsum("btk,bsk->bts", q, k) / W_q.shape[0] ** 0.5
    if source_mask is not None:
        scores = torch.where(source_mask.unsqueeze(1), scores, torch.tensor(float("-inf"), dtype=scores.dtype))
    weights = scores.softmax(dim=-1)
    return torch.einsum("bts,bsv->btv", weights, v), weights
''',
    },
}
