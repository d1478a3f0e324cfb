"""Buggy variants of solutions/00_intro.py. 00_intro has no BUG_CATALOG section of its own: its
exercises are the first forms of later rows (RNN/LSTM row 7 the target shift, BERT vs GPT row 1 the
MLM labels, Scaling row 4 the few-shot prompt), named after those rows; the rest are `intro-x-`.

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py).
"""

MUTANTS = {
    # RNN/LSTM row 7: targets not shifted (the model would copy its input)
    'rnn-lstm-7-target-not-shifted': {
        'causal_lm_pairs': [('pairs.append((tokens[start:start + n], tokens[start + 1:start + 1 + n]))',
                             'pairs.append((tokens[start:start + n], tokens[start:start + n]))')],
    },
    # BERT vs GPT row 1: labels keep every token (no None on positions that were not masked)
    'bert-gpt-1-labels-everywhere': {
        'masked_lm_example': [('labels = [token if i in positions else None for i, token in enumerate(tokens)]',
                               'labels = list(tokens)')],
    },
    # Scaling row 4: shots in reverse order
    'scaling-4-shots-reversed': {
        'build_prompt': [('for x, y in examples]', 'for x, y in reversed(list(examples))]')],
    },
    # Scaling row 4: the query is added among the demonstrations too
    'scaling-4-query-in-demos': {
        'build_prompt': [('parts.append(f"입력: {query}\\n출력:")',
                          'parts.append(f"입력: {query}\\n출력: \\n\\n입력: {query}\\n출력:")')],
    },
    # extra: characters counted with the spaces
    'intro-x-characters-with-spaces': {
        'count_tokens': [('"characters": sum(1 for ch in text if not ch.isspace()),', '"characters": len(text),')],
    },
    # extra: bytes counted as characters
    'intro-x-bytes-are-characters': {
        'count_tokens': [('"bytes": len(text.encode("utf-8"))}', '"bytes": len(text)}')],
    },
    # extra: words split on single spaces only (runs of whitespace make empty words)
    'intro-x-words-split-on-space': {
        'count_tokens': [('"words": len(text.split()),', '"words": len(text.split(" ")),')],
    },
    # extra: overlapping windows (stride 1)
    'intro-x-pairs-overlapping': {
        'causal_lm_pairs': [('for start in range(0, len(tokens) - 1, block_size):',
                             'for start in range(0, len(tokens) - 1):')],
    },
    # extra: the last, shorter window is dropped
    'intro-x-pairs-drop-last-window': {
        'causal_lm_pairs': [('        pairs.append((tokens[start:start + n]',
                             '        if n < block_size:\n'
                             '            break\n'
                             '        pairs.append((tokens[start:start + n]')],
    },
    # extra: windows stride block_size + 1 (the first token of every later window never a target)
    'intro-x-pairs-stride-plus-one': {
        'causal_lm_pairs': [('for start in range(0, len(tokens) - 1, block_size):',
                             'for start in range(0, len(tokens) - 1, block_size + 1):')],
    },
    # extra: block_size not validated (True or 2.5 accepted)
    'intro-x-pairs-no-validation': {
        'causal_lm_pairs': [('    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:\n'
                             '        raise ValueError("block_size는 1 이상의 정수여야 합니다.")\n', '')],
    },
    # extra: the caller's list modified (tokens popped while building the windows)
    'intro-x-pairs-mutates-input': {
        'causal_lm_pairs': [('    tokens = list(tokens)\n    pairs = []', '    pairs = []'),
                            ('    return pairs', '    tokens.clear()\n    return pairs')],
    },
    # extra: masked positions read back from the inputs (a real "[MASK]" token becomes a label)
    'intro-x-mlm-labels-from-inputs': {
        'masked_lm_example': [('labels = [token if i in positions else None for i, token in enumerate(tokens)]',
                               'labels = [token if x == mask_token else None for x, token in zip(inputs, tokens)]')],
    },
    # extra: positions drawn with replacement (fewer than n_mask distinct positions)
    'intro-x-mlm-with-replacement': {
        'masked_lm_example': [('replace=False', 'replace=True')],
    },
    # extra: always masks the first n_mask positions
    'intro-x-mlm-first-positions': {
        'masked_lm_example': [('positions = set(int(i) for i in rng.choice(len(tokens), size=n_mask, replace=False))',
                               'positions = set(range(n_mask))')],
    },
    # extra: mask_token argument ignored
    'intro-x-mlm-fixed-mask-token': {
        'masked_lm_example': [('inputs = [mask_token if i in positions else token',
                               'inputs = ["[MASK]" if i in positions else token')],
    },
    # extra: n_mask not validated (too many positions crash inside numpy, True accepted)
    'intro-x-mlm-no-validation': {
        'masked_lm_example': [('    if isinstance(n_mask, bool) or not isinstance(n_mask, int) or not 0 <= n_mask <= len(tokens):\n'
                               '        raise ValueError("n_mask는 0 이상 len(tokens) 이하의 정수여야 합니다.")\n', '')],
    },
    # extra: the caller's list masked in place
    'intro-x-mlm-in-place': {
        'masked_lm_example': [('    tokens = list(tokens)\n', ''),
                              ('    return inputs, labels', '    tokens[:] = inputs\n    return inputs, labels')],
    },
    # extra: parameters counted from the state_dict (buffers included, tied weights twice)
    'intro-x-params-state-dict': {
        'count_parameters': [('return sum(p.numel() for p in model.parameters())',
                              'return sum(t.numel() for t in model.state_dict().values())')],
    },
    # extra: tied weights counted twice
    'intro-x-params-tied-twice': {
        'count_parameters': [('return sum(p.numel() for p in model.parameters())',
                              'return sum(p.numel() for _, p in model.named_parameters(remove_duplicate=False))')],
    },
    # extra: only trainable parameters counted
    'intro-x-params-trainable-only': {
        'count_parameters': [('return sum(p.numel() for p in model.parameters())',
                              'return sum(p.numel() for p in model.parameters() if p.requires_grad)')],
    },
    # extra: the instruction's blank line kept when there is no instruction
    'intro-x-prompt-empty-instruction': {
        'build_prompt': [('parts = [f"{instruction}\\n\\n"] if instruction else []', 'parts = [f"{instruction}\\n\\n"]')],
    },
    # extra: one newline between the examples
    'intro-x-prompt-one-newline': {
        'build_prompt': [('parts += [f"입력: {x}\\n출력: {y}\\n\\n" for x, y in examples]',
                          'parts += [f"입력: {x}\\n출력: {y}\\n" for x, y in examples]')],
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-unshifted-targets-and-labels': ['rnn-lstm-7-target-not-shifted', 'bert-gpt-1-labels-everywhere'],
    'buggy-counting': ['intro-x-characters-with-spaces', 'intro-x-params-state-dict'],
}

# Correct solutions written differently: each must keep full marks (tests/project/test_hidden_suites.py).
ALTERNATIVES = {
    # counting by hand: words from the split pieces, characters by joining them, bytes per character
    'alt-counting-by-pieces': {
        'count_tokens': '''
def count_tokens(text):
    pieces = text.split()
    return {"words": len(pieces), "characters": len("".join(pieces)),
            "bytes": sum(len(ch.encode("utf-8")) for ch in text)}
''',
    },
    # windows found from the target side with a while loop, tuples of lists built by list()
    'alt-pairs-while-loop-and-permutation-masking': {
        'causal_lm_pairs': '''
def causal_lm_pairs(tokens, block_size):
    if type(block_size) is not int or block_size <= 0:
        raise ValueError("block_size must be a positive int")
    pairs, start = [], 0
    while start + 1 < len(tokens):
        end = min(start + block_size, len(tokens) - 1)
        pairs.append((list(tokens[start:end]), list(tokens[start + 1:end + 1])))
        start = end
    return pairs
''',
        # a different draw of the same uniform law: the first n_mask places of a random permutation
        'masked_lm_example': '''
def masked_lm_example(tokens, n_mask, rng, mask_token="[MASK]"):
    if type(n_mask) is not int or n_mask < 0 or n_mask > len(tokens):
        raise ValueError("bad n_mask")
    chosen = set(rng.permutation(len(tokens))[:n_mask].tolist())
    inputs, labels = [], []
    for i, token in enumerate(tokens):
        inputs.append(mask_token if i in chosen else token)
        labels.append(token if i in chosen else None)
    return inputs, labels
''',
    },
    # distinct tensors by identity, sizes by the product of the shape; the prompt by +=
    'alt-params-by-identity-and-prompt-by-concatenation': {
        'count_parameters': '''
def count_parameters(model):
    import math
    unique = {id(p): p for p in model.parameters()}
    return sum(math.prod(p.shape) for p in unique.values())
''',
        'build_prompt': '''
def build_prompt(instruction, examples, query):
    prompt = ""
    if instruction != "":
        prompt += instruction + "\\n\\n"
    for example in examples:
        x, y = example
        prompt += "입력: " + str(x) + "\\n출력: " + str(y) + "\\n\\n"
    return prompt + "입력: " + str(query) + "\\n출력:"
''',
    },
}
