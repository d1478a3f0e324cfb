"""Buggy variants of solutions/02_rnn_lstm.py: every BUG_CATALOG "RNN / LSTM" row (7-8 also in 03_transformer_bert_gpt).

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py).
"""

MUTANTS = {
    # RNN/LSTM row 1: gate chunks in the order i, f, o, g (Keras) instead of i, f, g, o
    'rnn-lstm-1-gate-order-ifog': {
        'lstm_cell': [('i, f, g, o = z.chunk(4, dim=-1)', 'i, f, o, g = z.chunk(4, dim=-1)')],
    },
    # RNN/LSTM row 1: gate chunks in the order i, g, f, o
    'rnn-lstm-1-gate-order-igfo': {
        'lstm_cell': [('i, f, g, o = z.chunk(4, dim=-1)', 'i, g, f, o = z.chunk(4, dim=-1)')],
    },
    # RNN/LSTM row 2: only b_ih used in the LSTM cell
    'rnn-lstm-2-lstm-one-bias': {
        'lstm_cell': [('z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh', 'z = x @ W_ih.T + b_ih + h @ W_hh.T')],
    },
    # RNN/LSTM row 2: only b_ih used in the RNN cell
    'rnn-lstm-2-rnn-one-bias': {
        'rnn_cell': [
            ('return torch.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)',
             'return torch.tanh(x @ W_ih.T + b_ih + h @ W_hh.T)'),
        ],
    },
    # RNN/LSTM row 3: sigmoid on the candidate g
    'rnn-lstm-3-sigmoid-on-g': {
        'lstm_cell': [
            ('c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)',
             'c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.sigmoid(g)'),
        ],
    },
    # RNN/LSTM row 3: h = o * c (no tanh on the cell)
    'rnn-lstm-3-no-tanh-on-c': {
        'lstm_cell': [
            ('h_next = torch.sigmoid(o) * torch.tanh(c_next)', 'h_next = torch.sigmoid(o) * c_next'),
        ],
    },
    # RNN/LSTM row 4: h/c not carried across time steps
    'rnn-lstm-4-state-reset': {
        'lstm_forward': [
            ('h, c = lstm_cell(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)',
             'h, c = lstm_cell(x[:, t], h0, c0, W_ih, W_hh, b_ih, b_hh)'),
        ],
    },
    # RNN/LSTM row 5: time-first loop over a batch-first input
    'rnn-lstm-5-time-first': {
        'lstm_forward': [
            ('    for t in range(x.shape[1]):\n'
             '        h, c = lstm_cell(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)',
             '    for t in range(x.shape[0]):\n'
             '        h, c = lstm_cell(x[t], h, c, W_ih, W_hh, b_ih, b_hh)'),
            ('return torch.stack(outputs, dim=1), (h, c)', 'return torch.stack(outputs, dim=0), (h, c)'),
        ],
    },
    # RNN/LSTM row 5: outputs stacked time-first (T, B, H)
    'rnn-lstm-5-output-time-first': {
        'lstm_forward': [
            ('return torch.stack(outputs, dim=1), (h, c)', 'return torch.stack(outputs, dim=0), (h, c)'),
        ],
    },
    # extra: initial state ignored (always starts from zeros)
    'rnn-lstm-x-ignores-initial-state': {
        'lstm_forward': [('h, c = h0, c0', 'h, c = torch.zeros_like(h0), torch.zeros_like(c0)')],
    },
    # extra: c' = f*c + g (input gate forgotten)
    'rnn-lstm-x-no-input-gate': {
        'lstm_cell': [
            ('c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)',
             'c_next = torch.sigmoid(f) * c + torch.tanh(g)'),
        ],
    },
    # RNN/LSTM row 6: hidden state not detached between TBPTT chunks
    'rnn-lstm-6-state-not-detached': {
        '_detach_state': [('return None if state is None else tuple(s.detach() for s in state)',
                           'return state')],
    },
    # RNN/LSTM row 7: target not shifted (predicts the current token)
    'rnn-lstm-7-target-not-shifted': {
        'tbptt_batches': [('chunks.append((streams[:, i:i + n], streams[:, i + 1:i + 1 + n]))',
                           'chunks.append((streams[:, i:i + n], streams[:, i:i + n]))')],
    },
    # RNN/LSTM row 8: cross-entropy over the wrong axis of (B, T, V) logits
    'rnn-lstm-8-ce-wrong-axis': {
        'sequence_cross_entropy': [
            ('    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))',
             '    log_probs = torch.log_softmax(logits, dim=1)\n'
             '    return -log_probs.gather(-1, targets[..., None]).mean()'),
        ],
    },
    # RNN/LSTM row 9: clipping each parameter's gradient on its own norm
    'rnn-lstm-9-clip-per-parameter': {
        'clip_grad_norm': [
            ('    if total > max_norm:\n'
             '        for g in grads:\n'
             '            g.mul_(max_norm / (total + 1e-6))',
             '    for g in grads:\n'
             '        norm = g.norm()\n'
             '        if norm > max_norm:\n'
             '            g.mul_(max_norm / (norm + 1e-6))'),
        ],
    },
    # RNN/LSTM row 9: crashes on a parameter whose grad is None
    'rnn-lstm-9-clip-grad-none-crash': {
        'clip_grad_norm': [('grads = [p.grad for p in parameters if p.grad is not None]',
                            'grads = [p.grad * 1 for p in parameters]')],
    },
    # extra: the parameter iterator read twice (the second pass of model.parameters() is empty)
    'rnn-lstm-x-clip-reads-iterator-twice': {
        'clip_grad_norm': [
            ('    grads = [p.grad for p in parameters if p.grad is not None]\n'
             '    if not grads:\n'
             '        return 0.0\n'
             '    total = torch.sqrt(sum((g.detach() ** 2).sum() for g in grads))',
             '    total = torch.sqrt(sum((p.grad.detach() ** 2).sum() for p in parameters if p.grad is not None))\n'
             '    grads = [p.grad for p in parameters if p.grad is not None]'),
        ],
    },
    # extra: clipping always rescales to max_norm (small gradients grow)
    'rnn-lstm-x-clip-always': {
        'clip_grad_norm': [('    if total > max_norm:\n', '    if True:\n')],
    },
    # extra: the state restarts from zeros at every chunk (the memory is not carried)
    'rnn-lstm-x-state-not-carried': {
        'train_tbptt': [('model(x, state)\n        loss = sequence_cross_entropy(logits, y)\n        optimizer.zero_grad()\n',
                         'model(x)\n        loss = sequence_cross_entropy(logits, y)\n        optimizer.zero_grad()\n')],
    },
    # extra: no zero_grad (gradients accumulate over chunks)
    'rnn-lstm-x-no-zero-grad': {
        'train_tbptt': [('        optimizer.zero_grad()\n', '')],
    },
    # extra: the epoch loss is the mean of chunk means
    'rnn-lstm-x-mean-of-chunk-means': {
        'train_tbptt': [('total_loss += loss.item() * y.numel()\n        total_tokens += y.numel()',
                         'total_loss += loss.item()\n        total_tokens += 1')],
    },
    # extra: evaluation restarts the state at every chunk
    'rnn-lstm-x-eval-state-reset': {
        'evaluate_perplexity': [('logits, state = model(x, state)', 'logits, _ = model(x)')],
    },
    # extra: perplexity from the mean of chunk means
    'rnn-lstm-x-eval-mean-of-means': {
        'evaluate_perplexity': [
            ('total_loss += sequence_cross_entropy(logits, y).item() * y.numel()\n        total_tokens += y.numel()',
             'total_loss += sequence_cross_entropy(logits, y).item()\n        total_tokens += 1'),
        ],
    },
    # extra: streams interleaved (ids[b::B]) instead of consecutive
    'rnn-lstm-x-batchify-interleaved': {
        'batchify': [('return ids[:batch_size * length].reshape(batch_size, length)',
                      'return ids[:batch_size * length].reshape(length, batch_size).T')],
    },
    # extra: the last, shorter chunk is dropped
    'rnn-lstm-x-last-chunk-dropped': {
        'tbptt_batches': [('    for i in range(0, length - 1, bptt):\n        n = min(bptt, length - 1 - i)',
                           '    for i in range(0, length - bptt, bptt):\n        n = bptt')],
    },
    # extra: gradient of the mean of h_T instead of the sum
    'rnn-lstm-x-gradient-of-mean': {
        'input_gradient_norms': [('final_state_fn(x).sum().backward()', 'final_state_fn(x).mean().backward()')],
    },
    # extra: norm per batch example, then summed
    'rnn-lstm-x-gradient-norm-per-example': {
        'input_gradient_norms': [('return x.grad.norm(dim=(0, 2))', 'return x.grad.norm(dim=2).sum(0)')],
    },
    # extra: the state detached between time steps inside lstm_forward (values right, gradients wrong)
    'rnn-lstm-x-forward-detached-steps': {
        'lstm_forward': [('h, c = lstm_cell(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)',
                          'h, c = lstm_cell(x[:, t], h.detach(), c.detach(), W_ih, W_hh, b_ih, b_hh)')],
    },
    # extra: lstm_forward returns a float32 output whatever the input dtype
    'rnn-lstm-x-forward-float32-output': {
        'lstm_forward': [('return torch.stack(outputs, dim=1), (h, c)',
                          'return torch.stack(outputs, dim=1).float(), (h, c)')],
    },
    # extra: rnn_cell leaves the graph (values right, no gradient)
    'rnn-lstm-x-rnn-cell-detached': {
        'rnn_cell': [('return torch.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)',
                      'return torch.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).detach()')],
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-keras-gate-order': ['rnn-lstm-1-gate-order-ifog', 'rnn-lstm-2-rnn-one-bias'],
    'buggy-tbptt-no-detach-clip-per-param': ['rnn-lstm-6-state-not-detached', 'rnn-lstm-9-clip-per-parameter'],
}

# Correct solutions written differently: each must keep full marks (tests/project/test_hidden_suites.py).
ALTERNATIVES = {
    # F.linear for the affine maps, gates sliced by the hidden size, the output preallocated in x's dtype
    'alt-linear-slices-and-preallocated-output': {
        'rnn_cell': '''
def rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    return torch.tanh(F.linear(x, W_ih, b_ih) + F.linear(h, W_hh, b_hh))
''',
        'lstm_cell': '''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    n = W_hh.shape[1]
    z = F.linear(x, W_ih, b_ih) + F.linear(h, W_hh, b_hh)
    i = torch.sigmoid(z[:, :n])
    f = torch.sigmoid(z[:, n:2 * n])
    g = torch.tanh(z[:, 2 * n:3 * n])
    o = torch.sigmoid(z[:, 3 * n:])
    c_next = f * c + i * g
    return o * torch.tanh(c_next), c_next
''',
        'lstm_forward': '''
def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    batch, steps, _ = x.shape
    output = torch.zeros(batch, steps, h0.shape[1], dtype=x.dtype)
    h, c = h0, c0
    for t in range(steps):
        h, c = lstm_cell(x[:, t, :], h, c, W_ih, W_hh, b_ih, b_hh)
        output[:, t] = h
    return output, (h, c)
''',
        'input_gradient_norms': '''
def input_gradient_norms(final_state_fn, x):
    leaf = x.clone().detach().requires_grad_()
    (grad,) = torch.autograd.grad(final_state_fn(leaf).sum(), leaf)
    return torch.stack([torch.sqrt((grad[:, t] ** 2).sum()) for t in range(grad.shape[1])])
''',
    },
    # streams stacked from slices, chunks by a while loop, the loss by log_softmax and gather
    'alt-stacked-streams-and-gathered-loss': {
        'batchify': '''
def batchify(ids, batch_size):
    ids = [int(i) for i in ids]
    length = len(ids) // batch_size
    return torch.stack([torch.tensor(ids[b * length:(b + 1) * length], dtype=torch.int64)
                        for b in range(batch_size)])
''',
        'tbptt_batches': '''
def tbptt_batches(streams, bptt):
    chunks, i = [], 0
    while i < streams.size(1) - 1:
        end = min(i + bptt, streams.size(1) - 1)
        chunks.append((streams[:, i:end], streams[:, i + 1:end + 1]))
        i = end
    return chunks
''',
        'sequence_cross_entropy': '''
def sequence_cross_entropy(logits, targets):
    log_probs = torch.log_softmax(logits, dim=-1)
    return -log_probs.gather(-1, targets.unsqueeze(-1)).mean()
''',
    },
    # torch's own rule min(1, max_norm / (total + 1e-6)) with one stacked norm; sums of per-chunk losses
    'alt-clip-coefficient-and-summed-losses': {
        'clip_grad_norm': '''
def clip_grad_norm(parameters, max_norm):
    grads = [p.grad for p in list(parameters) if p.grad is not None]
    if len(grads) == 0:
        return 0.0
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    coefficient = max_norm / (total + 1e-6)
    if coefficient < 1:
        for g in grads:
            g.mul_(coefficient)
    return total.item()
''',
        'train_tbptt': '''
def train_tbptt(model, streams, bptt, optimizer, max_norm):
    model.train()
    state, summed, count = None, 0.0, 0
    for x, y in tbptt_batches(streams, bptt):
        if state is not None:
            state = (state[0].detach(), state[1].detach())
        logits, state = model(x, state)
        loss = sequence_cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        clip_grad_norm(model.parameters(), max_norm)
        optimizer.step()
        summed += loss.item() * y.numel()
        count += y.numel()
    return summed / count
''',
        'evaluate_perplexity': '''
def evaluate_perplexity(model, streams, bptt):
    model.eval()
    state, summed, count = None, 0.0, 0
    with torch.no_grad():
        for x, y in tbptt_batches(streams, bptt):
            logits, state = model(x, state)
            summed += F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    return math.exp(summed / count)
''',
    },
}
