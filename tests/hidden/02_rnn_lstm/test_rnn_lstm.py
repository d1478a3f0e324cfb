"""Hidden suite for 02_rnn_lstm, part 1: the student's cells against torch.nn with copied weights
(values, gradients and dtypes). Part 2 (the language model) is test_language_model.py."""
import numpy as np
import pytest
import torch

from grader.checks import assert_close, expect
from grader.worker.testkit_torch import GradProbe

# B, T, I, H all different: transposes, batch/time confusion and square-weight luck all show. H is
# odd and above 4, so splitting the 4H gate axis into anything but four equal parts shows too.
B, T, I, H = 3, 6, 5, 7


def _layer(kind, seed, input_size=I, hidden_size=H):
    torch.manual_seed(seed)
    layer = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[kind](input_size, hidden_size, batch_first=True)
    weights = [getattr(layer, name).detach().clone()
               for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")]
    return layer, weights


def _state(value, shape, what):
    """(B, H) expected; torch's own (1, B, H) layout is accepted too."""
    array = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
    if array.shape == (1,) + shape:
        array = array[0]
    expect(array.shape == shape, f"{what}의 모양(shape)이 기대와 다릅니다. (B, H)를 반환하세요.")
    return array


def _pair(value, what):
    expect(isinstance(value, (tuple, list)) and len(value) == 2, f"{what}는 (h, c) 두 값을 반환해야 합니다.")
    return value


def _randn(rng, *shape):
    return torch.tensor(rng.standard_normal(shape), dtype=torch.float32)


# ---------------------------------------------------------------- rnn_cell
@pytest.mark.cell("test_rnn_cell")
@pytest.mark.points(4)
def test_rnn_cell_matches_torch(student, rng):
    """rnn_cell이 같은 가중치의 torch.nn.RNN 한 시점과 같아야 합니다 (이전 상태가 0이 아닐 때)."""
    layer, weights = _layer("rnn", 1)
    x, h = _randn(rng, B, I), _randn(rng, B, H)
    with torch.no_grad():
        want = layer(x[:, None], h[None])[0][:, 0]
    assert_close(_state(student.rnn_cell(x, h, *weights), (B, H), "rnn_cell"), want, atol=1e-6,
                 hint="rnn_cell 값이 다릅니다. tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)에서 전치와 두 편향을 확인하세요.")


@pytest.mark.cell("test_rnn_cell")
@pytest.mark.points(2)
def test_rnn_cell_zero_state(student, rng):
    """이전 상태가 0이면 tanh(x·W_ihᵀ + b_ih + b_hh)여야 합니다 (b_hh도 더함)."""
    _, (w_ih, w_hh, b_ih, b_hh) = _layer("rnn", 2)
    x = _randn(rng, B, I)
    want = torch.tanh(x @ w_ih.T + b_ih + b_hh)
    assert_close(_state(student.rnn_cell(x, torch.zeros(B, H), w_ih, w_hh, b_ih, b_hh), (B, H), "rnn_cell"),
                 want, atol=1e-6, hint="상태가 0일 때 값이 다릅니다: tanh(x·W_ihᵀ + b_ih + b_hh)입니다 (두 편향 모두).")


@pytest.mark.cell("test_rnn_cell")
@pytest.mark.points(3)
def test_rnn_unrolled_matches_nn_rnn(student, rng):
    """rnn_cell을 시간 순서대로 반복하면 torch.nn.RNN(batch_first=True)의 출력과 같아야 합니다."""
    layer, weights = _layer("rnn", 3)
    x = _randn(rng, B, T, I)
    with torch.no_grad():
        want = layer(x)[0]
    h = torch.zeros(B, H)
    for t in range(T):
        got = student.rnn_cell(x[:, t], h, *weights)
        h = torch.as_tensor(_state(got, (B, H), "rnn_cell"))
        assert_close(h, want[:, t], atol=1e-5,
                     hint="여러 시점을 이어 계산한 값이 torch.nn.RNN과 다릅니다. 매 시점 h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)이고, h'가 다음 시점의 h입니다.")


# ---------------------------------------------------------------- lstm_cell
def _torch_lstm_step(layer, x, h, c):
    with torch.no_grad():
        _, (h_n, c_n) = layer(x[:, None], (h[None], c[None]))
    return h_n[0], c_n[0]


@pytest.mark.cell("test_lstm_cell")
@pytest.mark.points(5)
def test_lstm_cell_matches_torch(student, rng):
    """lstm_cell의 (h, c)가 같은 가중치의 torch.nn.LSTM 한 시점과 같아야 합니다."""
    layer, weights = _layer("lstm", 4)
    x, h, c = _randn(rng, B, I), _randn(rng, B, H), _randn(rng, B, H)
    want_h, want_c = _torch_lstm_step(layer, x, h, c)
    got_h, got_c = _pair(student.lstm_cell(x, h, c, *weights), "lstm_cell")
    assert_close(_state(got_c, (B, H), "c"), want_c, atol=1e-6,
                 hint="셀 상태 c가 다릅니다. 게이트 순서 i, f, g, o와 c' = f⊙c + i⊙g, g에 tanh를 확인하세요.")
    assert_close(_state(got_h, (B, H), "h"), want_h, atol=1e-6,
                 hint="은닉 상태 h가 다릅니다. h' = o⊙tanh(c')인지 확인하세요.")


@pytest.mark.cell("test_lstm_cell")
@pytest.mark.points(4)
def test_lstm_cell_gate_order(student):
    """가중치를 0으로 두고 게이트마다 다른 편향을 주면, PyTorch의 i, f, g, o 순서가 그대로 드러나야 합니다."""
    n_in, n_hidden = 3, 2
    bias = torch.tensor([2.0, -1.0, 0.5, 1.5, -0.7, 1.2, -2.0, 0.3])   # i | f | g | o, two units each
    c = torch.tensor([[0.9, -1.1]])
    gi, gf, gg, go = bias.reshape(4, n_hidden)
    want_c = torch.sigmoid(gf) * c + torch.sigmoid(gi) * torch.tanh(gg)
    want_h = torch.sigmoid(go) * torch.tanh(want_c)
    got_h, got_c = _pair(student.lstm_cell(torch.ones(1, n_in), torch.ones(1, n_hidden), c,
                                           torch.zeros(4 * n_hidden, n_in), torch.zeros(4 * n_hidden, n_hidden),
                                           bias, torch.zeros(4 * n_hidden)), "lstm_cell")
    assert_close(_state(got_c, (1, n_hidden), "c"), want_c, atol=1e-6,
                 hint="게이트 조각의 순서가 PyTorch와 다릅니다. 4H 축을 앞에서부터 i, f, g, o 순서로 나누세요.")
    assert_close(_state(got_h, (1, n_hidden), "h"), want_h, atol=1e-6,
                 hint="게이트 순서나 출력 h' = o⊙tanh(c')를 확인하세요.")


@pytest.mark.cell("test_lstm_cell")
@pytest.mark.points(3)
def test_lstm_cell_uses_both_biases(student, rng):
    """lstm_cell이 두 편향 b_ih와 b_hh를 모두 더하는지 확인합니다."""
    layer, (w_ih, w_hh, b_ih, b_hh) = _layer("lstm", 5)
    x, h, c = _randn(rng, B, I), _randn(rng, B, H), _randn(rng, B, H)
    b_hh = b_hh + 0.5                       # make the second bias impossible to miss
    layer.bias_hh_l0.data.copy_(b_hh)
    want_h, want_c = _torch_lstm_step(layer, x, h, c)
    got_h, got_c = _pair(student.lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh), "lstm_cell")
    assert_close(np.stack([_state(got_h, (B, H), "h"), _state(got_c, (B, H), "c")]),
                 torch.stack([want_h, want_c]), atol=1e-6,
                 hint="편향 b_ih와 b_hh를 둘 다 더했는지 확인하세요.")


# ---------------------------------------------------------------- lstm_forward
def _forward(student, x, h0, c0, weights):
    out = student.lstm_forward(x, h0, c0, *weights)
    expect(isinstance(out, (tuple, list)) and len(out) == 2,
           "lstm_forward는 (output, (h_n, c_n))을 반환해야 합니다.")
    output, states = out
    h_n, c_n = _pair(states, "lstm_forward의 두 번째 값")
    b, t = x.shape[:2]
    output = output.detach().cpu().numpy() if hasattr(output, "detach") else np.asarray(output)
    expect(output.shape == (b, t, H),
           "output의 모양이 (B, T, H)가 아닙니다. x는 (B, T, I) 배치 우선(batch_first)입니다.")
    return output, _state(h_n, (b, H), "h_n"), _state(c_n, (b, H), "c_n")


@pytest.mark.cell("test_lstm_forward")
@pytest.mark.points(4)
def test_lstm_forward_output_matches_torch(student, rng):
    """모든 시점의 출력이 torch.nn.LSTM(batch_first=True)과 같아야 합니다."""
    layer, weights = _layer("lstm", 6)
    x = _randn(rng, B, T, I)
    with torch.no_grad():
        want, _ = layer(x)
    output, _, _ = _forward(student, x, torch.zeros(B, H), torch.zeros(B, H), weights)
    assert_close(output, want, atol=1e-5,
                 hint="시점별 출력이 torch.nn.LSTM과 다릅니다. x[:, t]로 시점을 고르고, (h, c)를 다음 시점으로 "
                      "넘겼는지 확인하세요.")


@pytest.mark.cell("test_lstm_forward")
@pytest.mark.points(3)
def test_lstm_forward_final_state(student, rng):
    """마지막 상태 (h_n, c_n)이 torch.nn.LSTM과 같아야 합니다."""
    layer, weights = _layer("lstm", 7)
    x = _randn(rng, B, T, I)
    with torch.no_grad():
        _, (want_h, want_c) = layer(x)
    _, h_n, c_n = _forward(student, x, torch.zeros(B, H), torch.zeros(B, H), weights)
    assert_close(c_n, want_c[0], atol=1e-5, hint="마지막 셀 상태 c_n이 다릅니다. 마지막 시점의 c를 반환하세요.")
    assert_close(h_n, want_h[0], atol=1e-5, hint="마지막 은닉 상태 h_n이 다릅니다. 마지막 시점의 h를 반환하세요.")


@pytest.mark.cell("test_lstm_forward")
@pytest.mark.points(3)
def test_lstm_forward_initial_state(student, rng):
    """0이 아닌 처음 상태 (h0, c0)에서 시작해도 torch.nn.LSTM과 같아야 합니다."""
    layer, weights = _layer("lstm", 8)
    x, h0, c0 = _randn(rng, B, T, I), _randn(rng, B, H), _randn(rng, B, H)
    with torch.no_grad():
        want, (want_h, want_c) = layer(x, (h0[None], c0[None]))
    output, h_n, c_n = _forward(student, x, h0, c0, weights)
    assert_close(output, want, atol=1e-5, hint="시점별 출력이 다릅니다: 계산은 주어진 처음 상태 (h0, c0)에서 시작합니다.")
    assert_close(np.stack([h_n, c_n]), torch.stack([want_h[0], want_c[0]]), atol=1e-5,
                 hint="처음 상태에서 시작했을 때 마지막 상태가 다릅니다.")


@pytest.mark.cell("test_lstm_forward")
@pytest.mark.points(2)
def test_lstm_forward_long_sequence(student, rng):
    """긴 시퀀스(T=40, B=2)에서도 torch.nn.LSTM과 같아야 합니다."""
    layer, weights = _layer("lstm", 9)
    x = _randn(rng, 2, 40, I)
    with torch.no_grad():
        want, _ = layer(x)
    output, _, _ = _forward(student, x, torch.zeros(2, H), torch.zeros(2, H), weights)
    assert_close(output, want, atol=1e-5, hint="긴 시퀀스에서 출력이 다릅니다. 시점 0부터 T-1까지 순서대로, 상태를 넘기며 계산합니다.")


# ---------------------------------------------------------------- gradients and dtypes (torch equivalence)
def _vjp(student, name, inputs, cotangent):
    """Vector-Jacobian product of the student's function, computed in the worker (testkit GradProbe).

    Returns (flattened outputs, gradients of the inputs)."""
    probe = student.value("torch").nn.Identity()(GradProbe())
    flat_cotangent = [c for part in cotangent for c in (part if isinstance(part, tuple) else (part,))] \
        if isinstance(cotangent, tuple) else [cotangent]
    return probe.vjp(student.value(name), list(inputs), flat_cotangent)


def _module64(module, weights):
    """A float64 copy of a torch module holding the given weights (its parameters become the leaves)."""
    module = module.double()
    with torch.no_grad():
        for p, w in zip(module.parameters(), weights):
            p.copy_(w)
    return module


def _leaves(rng, *shapes):
    return [torch.tensor(rng.standard_normal(s)).requires_grad_(True) for s in shapes]


def _check_grads(got, leaves, params, hint, atol=1e-9):
    want = [t.grad for t in leaves] + [p.grad for p in params]
    expect(isinstance(got, (tuple, list)) and len(got) == len(want), hint)
    for g, w in zip(got, want):
        assert_close(g, w, atol=atol, hint=hint)


@pytest.mark.cell("test_rnn_cell")
@pytest.mark.points(3)
def test_rnn_cell_gradients_and_dtype_match_torch(student, rng):
    """float64 입력에서 rnn_cell의 결과 dtype과 모든 입력·가중치에 대한 기울기가 torch.nn.RNNCell과 같은지 확인합니다."""
    _, weights = _layer("rnn", 11)
    cell = _module64(torch.nn.RNNCell(I, H), weights)
    x, h = _leaves(rng, (B, I), (B, H))
    cotangent = torch.tensor(rng.standard_normal((B, H)))
    (cell(x, h) * cotangent).sum().backward()   # a scalar: backward(tensor) imports sympy (seconds)
    params = list(cell.parameters())
    out, grads = _vjp(student, "rnn_cell", [x.detach(), h.detach()] + [p.detach() for p in params], cotangent)
    expect(len(out) == 1 and torch.as_tensor(out[0]).dtype == torch.float64,
           "float64 입력에서 rnn_cell의 결과가 float64가 아닙니다. 입력과 같은 dtype으로 계산하세요.")
    _check_grads(grads, [x, h], params,
                 "rnn_cell의 기울기가 torch와 다릅니다. 계산 그래프를 끊지 않도록 (.detach(), .data, numpy 없이) "
                 "텐서 연산으로만 계산하세요.")


@pytest.mark.cell("test_lstm_cell")
@pytest.mark.points(4)
def test_lstm_cell_gradients_and_dtype_match_torch(student, rng):
    """float64 입력에서 lstm_cell의 (h, c) dtype과 x, h, c, 가중치에 대한 기울기가 torch.nn.LSTMCell과 같은지 확인합니다."""
    _, weights = _layer("lstm", 12)
    cell = _module64(torch.nn.LSTMCell(I, H), weights)
    x, h, c = _leaves(rng, (B, I), (B, H), (B, H))
    cotangent = (torch.tensor(rng.standard_normal((B, H))), torch.tensor(rng.standard_normal((B, H))))
    sum((o * g).sum() for o, g in zip(cell(x, (h, c)), cotangent)).backward()
    params = list(cell.parameters())
    out, grads = _vjp(student, "lstm_cell", [x.detach(), h.detach(), c.detach()] + [p.detach() for p in params],
                      cotangent)
    expect(len(out) == 2 and all(torch.as_tensor(o).dtype == torch.float64 for o in out),
           "float64 입력에서 lstm_cell의 결과가 float64가 아닙니다. 입력과 같은 dtype으로 계산하세요.")
    _check_grads(grads, [x, h, c], params,
                 "lstm_cell의 기울기가 torch와 다릅니다. 계산 그래프를 끊지 않도록 (.detach(), .data, numpy 없이) "
                 "텐서 연산으로만 계산하세요.")


@pytest.mark.cell("test_lstm_forward")
@pytest.mark.points(4)
def test_lstm_forward_gradients_and_dtype_match_torch(student, rng):
    """float64에서 lstm_forward의 결과 dtype과, 출력에서 x, h0, c0, 가중치로 가는 기울기가 torch.nn.LSTM과 같은지 확인합니다."""
    layer, weights = _layer("lstm", 13)
    layer = _module64(layer, weights)
    x, h0, c0 = _leaves(rng, (B, T, I), (B, H), (B, H))
    cotangent = (torch.tensor(rng.standard_normal((B, T, H))),
                 (torch.tensor(rng.standard_normal((B, H))), torch.tensor(rng.standard_normal((B, H)))))
    output, (h_n, c_n) = layer(x, (h0[None], c0[None]))
    sum((o * g).sum() for o, g in zip([output, h_n[0], c_n[0]], [cotangent[0], *cotangent[1]])).backward()
    params = list(layer.parameters())
    out, grads = _vjp(student, "lstm_forward",
                      [x.detach(), h0.detach(), c0.detach()] + [p.detach() for p in params], cotangent)
    expect(len(out) == 3 and torch.as_tensor(out[0]).dtype == torch.float64,
           "float64 입력에서 lstm_forward의 output이 float64가 아닙니다. 출력 텐서를 미리 만든다면 "
           "x와 같은 dtype으로 만드세요.")
    _check_grads(grads, [x, h0, c0], params,
                 "lstm_forward의 기울기가 torch와 다릅니다. 시점 사이에서 (h, c)를 detach하지 말고 그대로 "
                 "넘기세요 (잘린 역전파의 detach는 학습 루프에서 조각 사이에만 합니다).", atol=1e-8)
