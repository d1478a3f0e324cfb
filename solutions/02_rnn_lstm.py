"""02_rnn_lstm: RNN·LSTM 셀과 순전파 (PyTorch와 같은 가중치 배치), 시간을 거스르는 기울기,
잘린 역전파(TBPTT)와 기울기 클리핑으로 학습하는 음절 LSTM 언어 모델 (참조 답안)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    """RNN 한 시점: 입력과 이전 은닉 상태로 새 은닉 상태를 만듭니다 (torch.nn.RNNCell과 같음).

        h' = tanh(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)

    Args:
        x: (B, I) 입력, h: (B, H) 이전 은닉 상태,
        W_ih: (H, I), W_hh: (H, H), b_ih: (H,), b_hh: (H,)
    Returns:
        (B, H) 새 은닉 상태.
    """
    return torch.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)


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
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    return h_next, c_next


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
    return torch.stack(outputs, dim=1), (h, c)


def input_gradient_norms(final_state_fn, x):
    """시간을 거슬러 전달되는 기울기의 크기: 마지막 은닉 상태의 합을 각 시점의 입력으로 미분합니다.

        loss = Σ h_T        (h_T = final_state_fn(x), 모양 (B, H))
        norms[t] = ‖∂loss / ∂x[:, t]‖   (배치 축과 입력 축을 합친 L2 노름), t = 0 … T-1

    x의 복사본에 requires_grad를 켜서 미분합니다 (호출한 쪽의 x는 바꾸지 않습니다).

    Args:
        final_state_fn: x (B, T, I)를 받아 마지막 은닉 상태 h_T (B, H)를 돌려주는 함수.
        x: (B, T, I) 입력.
    Returns:
        (T,) 텐서: 시간 순서(t = 0이 가장 먼 과거)의 기울기 크기.
    """
    x = x.detach().clone().requires_grad_(True)
    final_state_fn(x).sum().backward()
    return x.grad.norm(dim=(0, 2))


class CharLSTM(nn.Module):
    """음절 단위 LSTM 언어 모델 (주어진 코드): 임베딩 → LSTM → 선형층으로 다음 음절의 로짓을 냅니다.

        e = dropout(embed(ids))            (B, T, d_embed)
        out, state = lstm(e, state)        (B, T, d_hidden), state = (h, c) 각각 (1, B, d_hidden)
        logits = head(dropout(out))        (B, T, vocab_size)

    드롭아웃(dropout)은 학습할 때만 켜집니다 (model.train()); 작은 말뭉치에서 외워 버리는 것(과적합)을 늦춥니다.

    forward(ids, state=None) → (logits, state). state를 넘기면 그 상태에서 이어서 읽습니다.
    """

    def __init__(self, vocab_size, d_embed, d_hidden, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_embed)
        self.lstm = nn.LSTM(d_embed, d_hidden, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(d_hidden, vocab_size)

    def forward(self, ids, state=None):
        out, state = self.lstm(self.drop(self.embed(ids)), state)
        return self.head(self.drop(out)), state


def batchify(ids, batch_size):
    """긴 토큰 열 하나를 batch_size개의 나란한 흐름(stream)으로 자릅니다 (PyTorch 언어 모델 예제와 같음).

        L = len(ids) // batch_size          (남는 끝부분은 버립니다)
        streams[b] = ids[b·L : (b+1)·L]     (이어지는 토큰은 같은 흐름에 남습니다)

    Args:
        ids: 정수 토큰 id의 리스트 또는 1차원 텐서.
    Returns:
        LongTensor (batch_size, L).
    """
    ids = torch.as_tensor(ids, dtype=torch.long)
    length = len(ids) // batch_size
    return ids[:batch_size * length].reshape(batch_size, length)


def tbptt_batches(streams, bptt):
    """잘린 역전파(TBPTT)용 조각: 흐름을 앞에서부터 bptt 길이씩 잘라 (입력, 정답) 쌍을 만듭니다.

    i = 0, bptt, 2·bptt, … 마다 (i < L-1):
        n = min(bptt, L - 1 - i)
        x = streams[:, i : i+n]
        y = streams[:, i+1 : i+1+n]      ← 정답은 입력을 한 칸 민 것 (다음 토큰)
    마지막 조각은 더 짧을 수 있습니다. 모든 조각의 x를 이으면 streams[:, :-1], y를 이으면 streams[:, 1:].

    Args:
        streams: (B, L) 정수 텐서 (batchify의 결과).
    Returns:
        (x, y) 튜플의 리스트, 둘 다 (B, n).
    """
    length = streams.shape[1]
    chunks = []
    for i in range(0, length - 1, bptt):
        n = min(bptt, length - 1 - i)
        chunks.append((streams[:, i:i + n], streams[:, i + 1:i + 1 + n]))
    return chunks


def sequence_cross_entropy(logits, targets):
    """언어 모델 손실: 모든 위치의 교차 엔트로피 평균 (자연로그, nats/token).

        loss = -(1 / (B·T)) Σ_{b,t} log softmax(logits[b, t])[targets[b, t]]

    어휘 축은 로짓의 **마지막 축**입니다. F.cross_entropy는 클래스 축을 두 번째로 기대하므로
    (B·T, V)와 (B·T,)로 펴서 넘깁니다.

    Args:
        logits: (B, T, V), targets: (B, T) 정수.
    Returns:
        0차원 텐서 (미분 가능).
    """
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def clip_grad_norm(parameters, max_norm):
    """전체(global) 기울기 노름 클리핑 (torch.nn.utils.clip_grad_norm_과 같음).

        total = √( Σ_p ‖p.grad‖² )      (grad가 None인 파라미터는 건너뜀; 모두 None이면 0)
        total > max_norm 이면 모든 grad에 max_norm / (total + 1e-6)을 곱합니다 (제자리에서).

    parameters는 model.parameters() 같은 한 번만 돌 수 있는 반복자일 수도 있습니다.
    Returns:
        클리핑하기 **전**의 전체 노름 total (float).
    """
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return 0.0
    total = torch.sqrt(sum((g.detach() ** 2).sum() for g in grads))
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return float(total)


def _detach_state(state):
    """(h, c)를 계산 그래프에서 떼어 냅니다: 값은 그대로 두고, 이전 조각으로는 기울기가 흐르지 않게."""
    return None if state is None else tuple(s.detach() for s in state)


def train_tbptt(model, streams, bptt, optimizer, max_norm):
    """잘린 역전파(TBPTT)로 흐름 전체를 한 번 학습합니다 (한 에폭).

    상태는 None에서 시작해 조각마다 이어서 씁니다. 조각 (x, y)마다:
        logits, state = model(x, state)
        loss = sequence_cross_entropy(logits, y)
        optimizer.zero_grad(); loss.backward()
        clip_grad_norm(model.parameters(), max_norm); optimizer.step()
        state = (h, c)를 detach   ← 다음 조각의 역전파가 이 조각 안에서 멈추도록

    Returns:
        이번 에폭에서 예측한 **모든 토큰**에 대한 평균 손실 (float). 조각 손실에 조각의 토큰 수를
        곱해 더한 뒤 전체 토큰 수로 나눕니다 (마지막 조각이 짧아도 정확한 평균).
    """
    model.train()
    state = None
    total_loss, total_tokens = 0.0, 0
    for x, y in tbptt_batches(streams, bptt):
        logits, state = model(x, state)
        loss = sequence_cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        clip_grad_norm(model.parameters(), max_norm)
        optimizer.step()
        state = _detach_state(state)
        total_loss += loss.item() * y.numel()
        total_tokens += y.numel()
    return total_loss / total_tokens


@torch.no_grad()
def evaluate_perplexity(model, streams, bptt):
    """평가 퍼플렉서티 = exp(예측한 모든 토큰의 평균 교차 엔트로피). 01의 n-gram과 같은 정의입니다.

    학습 없이(torch.no_grad, model.eval()) tbptt_batches의 조각을 차례로 읽으며 상태를 이어 씁니다.
    평균은 조각 평균의 평균이 아니라 토큰 전체의 평균입니다.
    Returns: float
    """
    model.eval()
    state = None
    total_loss, total_tokens = 0.0, 0
    for x, y in tbptt_batches(streams, bptt):
        logits, state = model(x, state)
        total_loss += sequence_cross_entropy(logits, y).item() * y.numel()
        total_tokens += y.numel()
    return math.exp(total_loss / total_tokens)
