"""The 02_rnn_lstm reference against torch.nn.RNN / torch.nn.LSTM with copied weights, over many shapes."""
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.assignments import load_solution


m = load_solution("02_rnn_lstm")
dims = st.integers(1, 6)


def _weights(layer):
    return [getattr(layer, n).detach() for n in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")]


@settings(max_examples=30, deadline=None)
@given(dims, dims, dims, dims, st.integers(0, 2**31 - 1))
def test_rnn_cell_unrolled_equals_nn_rnn(b, t, i, h, seed):
    torch.manual_seed(seed)
    layer = torch.nn.RNN(i, h, batch_first=True)
    x, h0 = torch.randn(b, t, i), torch.randn(1, b, h)
    with torch.no_grad():
        want, _ = layer(x, h0)
        state = h0[0]
        for step in range(t):
            state = m.rnn_cell(x[:, step], state, *_weights(layer))
            torch.testing.assert_close(state, want[:, step], atol=1e-5, rtol=1e-5)


@settings(max_examples=30, deadline=None)
@given(dims, dims, dims, dims, st.integers(0, 2**31 - 1))
def test_lstm_forward_equals_nn_lstm(b, t, i, h, seed):
    torch.manual_seed(seed)
    layer = torch.nn.LSTM(i, h, batch_first=True)
    x, h0, c0 = torch.randn(b, t, i), torch.randn(1, b, h), torch.randn(1, b, h)
    with torch.no_grad():
        want, (want_h, want_c) = layer(x, (h0, c0))
        got, (got_h, got_c) = m.lstm_forward(x, h0[0], c0[0], *_weights(layer))
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got_h, want_h[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got_c, want_c[0], atol=1e-5, rtol=1e-5)


def test_lstm_cell_equals_lstm_cell_module():
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(5, 3)
    x, h, c = torch.randn(4, 5), torch.randn(4, 3), torch.randn(4, 3)
    weights = [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]
    with torch.no_grad():
        want = cell(x, (h, c))
        got = m.lstm_cell(x, h, c, *weights)
    torch.testing.assert_close(got[0], want[0])
    torch.testing.assert_close(got[1], want[1])


def test_gradients_flow_like_torch():
    torch.manual_seed(1)
    layer = torch.nn.LSTM(3, 4, batch_first=True)
    x = torch.randn(2, 7, 3, requires_grad=True)
    layer(x)[0].sum().backward()
    want = x.grad.clone()
    x.grad = None
    m.lstm_forward(x, torch.zeros(2, 4), torch.zeros(2, 4), *_weights(layer))[0].sum().backward()
    torch.testing.assert_close(x.grad, want, atol=1e-5, rtol=1e-5)
