"""Buggy variants of solutions/02_rnn_lstm.py: BUG_CATALOG "RNN / LSTM" rows 1-5 (rows 7-8 live in 03_transformer_bert_gpt; 6 and 9 have no function in the API).

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
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-keras-gate-order': ['rnn-lstm-1-gate-order-ifog', 'rnn-lstm-2-rnn-one-bias'],
}
