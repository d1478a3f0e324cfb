"""The 02_rnn_lstm reference against torch.nn.RNN / torch.nn.LSTM with copied weights, over many shapes."""
import pytest
import torch
from hypothesis import given, settings, strategies as st

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


# ---------------------------------------------------------------- the language-model pieces

@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=6),
       st.floats(0.01, 10.0), st.integers(0, 2**31 - 1))
def test_clip_grad_norm_equals_torch(shapes, max_norm, seed):
    torch.manual_seed(seed)
    mine = [torch.nn.Parameter(torch.randn(*s)) for s in shapes]
    theirs = [torch.nn.Parameter(p.detach().clone()) for p in mine]
    for i, (a, b) in enumerate(zip(mine, theirs)):
        if i % 3 != 2:  # every third parameter is frozen (grad None)
            a.grad = torch.randn_like(a) * 3
            b.grad = a.grad.clone()
    got = m.clip_grad_norm(iter(mine), max_norm)
    want = torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    assert got == pytest.approx(float(want), rel=1e-5)
    for a, b in zip(mine, theirs):
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            torch.testing.assert_close(a.grad, b.grad)


def test_sequence_cross_entropy_and_its_gradient_equal_torch():
    logits = torch.randn(3, 5, 7, dtype=torch.float64, requires_grad=True)
    targets = torch.randint(0, 7, (3, 5))
    got = m.sequence_cross_entropy(logits, targets)
    got.backward()
    want_logits = logits.detach().clone().requires_grad_(True)
    want = torch.nn.functional.cross_entropy(want_logits.reshape(-1, 7), targets.reshape(-1))
    want.backward()
    assert got.dtype == torch.float64
    torch.testing.assert_close(got, want)
    torch.testing.assert_close(logits.grad, want_logits.grad)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(2, 30), st.integers(1, 12))
def test_tbptt_chunks_tile_the_shifted_streams(batch, length, bptt):
    streams = torch.arange(batch * length).reshape(batch, length)
    chunks = m.tbptt_batches(streams, bptt)
    assert torch.equal(torch.cat([x for x, _ in chunks], 1), streams[:, :-1])
    assert torch.equal(torch.cat([y for _, y in chunks], 1), streams[:, 1:])
    assert all(x.shape[1] <= bptt for x, _ in chunks)


def test_batchify_keeps_streams_contiguous():
    assert m.batchify(list(range(10)), 3).tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


def test_evaluation_with_carried_state_equals_one_pass():
    """Reading the stream chunk by chunk with the carried state is the same as one forward pass."""
    torch.manual_seed(0)
    model = m.CharLSTM(9, 4, 6)
    streams = torch.randint(0, 9, (2, 23))
    with torch.no_grad():
        logits, _ = model(streams[:, :-1])
        want = torch.nn.functional.cross_entropy(logits.reshape(-1, 9), streams[:, 1:].reshape(-1)).exp()
    assert m.evaluate_perplexity(model, streams, 5) == pytest.approx(float(want), rel=1e-5)


def test_train_tbptt_lowers_the_loss_and_is_deterministic():
    streams = torch.randint(0, 6, (3, 40), generator=torch.Generator().manual_seed(1))

    def run():
        torch.manual_seed(0)
        model = m.CharLSTM(6, 5, 8)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        return [m.train_tbptt(model, streams, 7, optimizer, 1.0) for _ in range(5)]

    first, second = run(), run()
    assert first == second
    assert first[-1] < first[0]


def test_input_gradient_norms_equal_autograd():
    torch.manual_seed(2)
    layer = torch.nn.RNN(3, 5, batch_first=True)
    fn = lambda x: layer(x)[0][:, -1]  # noqa: E731
    x = torch.randn(2, 9, 3)
    got = m.input_gradient_norms(fn, x)
    leaf = x.clone().requires_grad_(True)
    fn(leaf).sum().backward()
    torch.testing.assert_close(got, leaf.grad.norm(dim=(0, 2)))
    assert x.grad is None and not x.requires_grad
