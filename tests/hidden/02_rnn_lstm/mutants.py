"""Buggy variants of solutions/02_rnn_lstm.py: BUG_CATALOG "RNN / LSTM" rows 1-5 (rows 7-8 live in 03_transformer_bert_gpt; 6 and 9 have no function in the API)."""

MUTANTS = {
    # RNN/LSTM row 1: gate chunks in the order i, f, o, g (Keras) instead of i, f, g, o
    'rnn-lstm-1-gate-order-ifog': {
        'lstm_cell': r'''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """LSTM 한 시점 (torch.nn.LSTMCell과 같은 가중치 배치).

    네 게이트의 사전 활성값을 한 번에 계산한 뒤, 마지막 축을 순서대로 i, f, g, o 네 조각으로 나눕니다.
        z = x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh         (B, 4H)
        i = σ(z[:, 0:H])      입력 게이트
        f = σ(z[:, H:2H])     망각 게이트
        g = tanh(z[:, 2H:3H]) 후보 셀 값
        o = σ(z[:, 3H:4H])    출력 게이트
        c' = f ⊙ c + i ⊙ g
        h' = o ⊙ tanh(c')

    Args:
        x: (B, I), h, c: (B, H), W_ih: (4H, I), W_hh: (4H, H), b_ih, b_hh: (4H,)
    Returns:
        (h', c'): 둘 다 (B, H).
    """
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, o, g = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    return h_next, c_next
''',
    },
    # RNN/LSTM row 1: gate chunks in the order i, g, f, o
    'rnn-lstm-1-gate-order-igfo': {
        'lstm_cell': r'''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """LSTM 한 시점 (torch.nn.LSTMCell과 같은 가중치 배치).

    네 게이트의 사전 활성값을 한 번에 계산한 뒤, 마지막 축을 순서대로 i, f, g, o 네 조각으로 나눕니다.
        z = x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh         (B, 4H)
        i = σ(z[:, 0:H])      입력 게이트
        f = σ(z[:, H:2H])     망각 게이트
        g = tanh(z[:, 2H:3H]) 후보 셀 값
        o = σ(z[:, 3H:4H])    출력 게이트
        c' = f ⊙ c + i ⊙ g
        h' = o ⊙ tanh(c')

    Args:
        x: (B, I), h, c: (B, H), W_ih: (4H, I), W_hh: (4H, H), b_ih, b_hh: (4H,)
    Returns:
        (h', c'): 둘 다 (B, H).
    """
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, g, f, o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    return h_next, c_next
''',
    },
    # RNN/LSTM row 2: only b_ih used in the LSTM cell
    'rnn-lstm-2-lstm-one-bias': {
        'lstm_cell': r'''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """LSTM 한 시점 (torch.nn.LSTMCell과 같은 가중치 배치).

    네 게이트의 사전 활성값을 한 번에 계산한 뒤, 마지막 축을 순서대로 i, f, g, o 네 조각으로 나눕니다.
        z = x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh         (B, 4H)
        i = σ(z[:, 0:H])      입력 게이트
        f = σ(z[:, H:2H])     망각 게이트
        g = tanh(z[:, 2H:3H]) 후보 셀 값
        o = σ(z[:, 3H:4H])    출력 게이트
        c' = f ⊙ c + i ⊙ g
        h' = o ⊙ tanh(c')

    Args:
        x: (B, I), h, c: (B, H), W_ih: (4H, I), W_hh: (4H, H), b_ih, b_hh: (4H,)
    Returns:
        (h', c'): 둘 다 (B, H).
    """
    z = x @ W_ih.T + b_ih + h @ W_hh.T
    i, f, g, o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    return h_next, c_next
''',
    },
    # RNN/LSTM row 2: only b_ih used in the RNN cell
    'rnn-lstm-2-rnn-one-bias': {
        'rnn_cell': r'''
def rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    """RNN 한 시점: 입력과 이전 은닉 상태로 새 은닉 상태를 만듭니다 (torch.nn.RNNCell과 같음).

        h' = tanh(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)

    Args:
        x: (B, I) 입력, h: (B, H) 이전 은닉 상태,
        W_ih: (H, I), W_hh: (H, H), b_ih: (H,), b_hh: (H,)
    Returns:
        (B, H) 새 은닉 상태.
    """
    return torch.tanh(x @ W_ih.T + b_ih + h @ W_hh.T)
''',
    },
    # RNN/LSTM row 3: sigmoid on the candidate g
    'rnn-lstm-3-sigmoid-on-g': {
        'lstm_cell': r'''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """LSTM 한 시점 (torch.nn.LSTMCell과 같은 가중치 배치).

    네 게이트의 사전 활성값을 한 번에 계산한 뒤, 마지막 축을 순서대로 i, f, g, o 네 조각으로 나눕니다.
        z = x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh         (B, 4H)
        i = σ(z[:, 0:H])      입력 게이트
        f = σ(z[:, H:2H])     망각 게이트
        g = tanh(z[:, 2H:3H]) 후보 셀 값
        o = σ(z[:, 3H:4H])    출력 게이트
        c' = f ⊙ c + i ⊙ g
        h' = o ⊙ tanh(c')

    Args:
        x: (B, I), h, c: (B, H), W_ih: (4H, I), W_hh: (4H, H), b_ih, b_hh: (4H,)
    Returns:
        (h', c'): 둘 다 (B, H).
    """
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.sigmoid(g)
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    return h_next, c_next
''',
    },
    # RNN/LSTM row 3: h = o * c (no tanh on the cell)
    'rnn-lstm-3-no-tanh-on-c': {
        'lstm_cell': r'''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """LSTM 한 시점 (torch.nn.LSTMCell과 같은 가중치 배치).

    네 게이트의 사전 활성값을 한 번에 계산한 뒤, 마지막 축을 순서대로 i, f, g, o 네 조각으로 나눕니다.
        z = x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh         (B, 4H)
        i = σ(z[:, 0:H])      입력 게이트
        f = σ(z[:, H:2H])     망각 게이트
        g = tanh(z[:, 2H:3H]) 후보 셀 값
        o = σ(z[:, 3H:4H])    출력 게이트
        c' = f ⊙ c + i ⊙ g
        h' = o ⊙ tanh(c')

    Args:
        x: (B, I), h, c: (B, H), W_ih: (4H, I), W_hh: (4H, H), b_ih, b_hh: (4H,)
    Returns:
        (h', c'): 둘 다 (B, H).
    """
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_next = torch.sigmoid(o) * c_next
    return h_next, c_next
''',
    },
    # RNN/LSTM row 4: h/c not carried across time steps
    'rnn-lstm-4-state-reset': {
        'lstm_forward': r'''
def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """배치 우선(batch_first) 입력 전체를 시간 순서대로 LSTM에 통과시킵니다.

    t = 0, 1, ..., T-1 마다 (h, c) = lstm_cell(x[:, t], h, c, ...)를 하고, 상태를 다음 시점으로 넘깁니다.
    torch.nn.LSTM(batch_first=True)의 한 층과 같습니다.

    Args:
        x: (B, T, I), h0, c0: (B, H) 처음 상태.
    Returns:
        (output, (h_n, c_n)): output (B, T, H)는 모든 시점의 h, h_n과 c_n (B, H)은 마지막 상태.
    """
    h, c = h0, c0
    outputs = []
    for t in range(x.shape[1]):
        h, c = lstm_cell(x[:, t], h0, c0, W_ih, W_hh, b_ih, b_hh)
        outputs.append(h)
    return torch.stack(outputs, dim=1), (h, c)
''',
    },
    # RNN/LSTM row 5: time-first loop over a batch-first input
    'rnn-lstm-5-time-first': {
        'lstm_forward': r'''
def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """배치 우선(batch_first) 입력 전체를 시간 순서대로 LSTM에 통과시킵니다.

    t = 0, 1, ..., T-1 마다 (h, c) = lstm_cell(x[:, t], h, c, ...)를 하고, 상태를 다음 시점으로 넘깁니다.
    torch.nn.LSTM(batch_first=True)의 한 층과 같습니다.

    Args:
        x: (B, T, I), h0, c0: (B, H) 처음 상태.
    Returns:
        (output, (h_n, c_n)): output (B, T, H)는 모든 시점의 h, h_n과 c_n (B, H)은 마지막 상태.
    """
    h, c = h0, c0
    outputs = []
    for t in range(x.shape[0]):
        h, c = lstm_cell(x[t], h, c, W_ih, W_hh, b_ih, b_hh)
        outputs.append(h)
    return torch.stack(outputs, dim=0), (h, c)
''',
    },
    # RNN/LSTM row 5: outputs stacked time-first (T, B, H)
    'rnn-lstm-5-output-time-first': {
        'lstm_forward': r'''
def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """배치 우선(batch_first) 입력 전체를 시간 순서대로 LSTM에 통과시킵니다.

    t = 0, 1, ..., T-1 마다 (h, c) = lstm_cell(x[:, t], h, c, ...)를 하고, 상태를 다음 시점으로 넘깁니다.
    torch.nn.LSTM(batch_first=True)의 한 층과 같습니다.

    Args:
        x: (B, T, I), h0, c0: (B, H) 처음 상태.
    Returns:
        (output, (h_n, c_n)): output (B, T, H)는 모든 시점의 h, h_n과 c_n (B, H)은 마지막 상태.
    """
    h, c = h0, c0
    outputs = []
    for t in range(x.shape[1]):
        h, c = lstm_cell(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)
        outputs.append(h)
    return torch.stack(outputs, dim=0), (h, c)
''',
    },
    # extra: initial state ignored (always starts from zeros)
    'rnn-lstm-x-ignores-initial-state': {
        'lstm_forward': r'''
def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """배치 우선(batch_first) 입력 전체를 시간 순서대로 LSTM에 통과시킵니다.

    t = 0, 1, ..., T-1 마다 (h, c) = lstm_cell(x[:, t], h, c, ...)를 하고, 상태를 다음 시점으로 넘깁니다.
    torch.nn.LSTM(batch_first=True)의 한 층과 같습니다.

    Args:
        x: (B, T, I), h0, c0: (B, H) 처음 상태.
    Returns:
        (output, (h_n, c_n)): output (B, T, H)는 모든 시점의 h, h_n과 c_n (B, H)은 마지막 상태.
    """
    h, c = torch.zeros_like(h0), torch.zeros_like(c0)
    outputs = []
    for t in range(x.shape[1]):
        h, c = lstm_cell(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)
        outputs.append(h)
    return torch.stack(outputs, dim=1), (h, c)
''',
    },
    # extra: c' = f*c + g (input gate forgotten)
    'rnn-lstm-x-no-input-gate': {
        'lstm_cell': r'''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """LSTM 한 시점 (torch.nn.LSTMCell과 같은 가중치 배치).

    네 게이트의 사전 활성값을 한 번에 계산한 뒤, 마지막 축을 순서대로 i, f, g, o 네 조각으로 나눕니다.
        z = x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh         (B, 4H)
        i = σ(z[:, 0:H])      입력 게이트
        f = σ(z[:, H:2H])     망각 게이트
        g = tanh(z[:, 2H:3H]) 후보 셀 값
        o = σ(z[:, 3H:4H])    출력 게이트
        c' = f ⊙ c + i ⊙ g
        h' = o ⊙ tanh(c')

    Args:
        x: (B, I), h, c: (B, H), W_ih: (4H, I), W_hh: (4H, H), b_ih, b_hh: (4H,)
    Returns:
        (h', c'): 둘 다 (B, H).
    """
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.tanh(g)
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    return h_next, c_next
''',
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-keras-gate-order': ['rnn-lstm-1-gate-order-ifog', 'rnn-lstm-2-rnn-one-bias'],
}
