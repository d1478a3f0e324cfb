"""Hidden suite for 02_rnn_lstm, part 2: gradients through time, TBPTT batches, loss, clipping, training.

Training runs on grader.worker.testkit_torch.TinyLSTMLM with testkit SGD (torch.optim's first step
imports torch._dynamo, seconds the suite cannot afford); B, T, V, E, H all differ, and stream lengths
never divide evenly into chunks, so a mean of chunk means or a dropped last chunk shows.
"""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from grader.checks import assert_close, expect
from grader.worker.testkit_torch import SGD, FinalHidden, GradParams, GradProbe, TinyLSTMLM

VOCAB = 7


def _tensor(value, what):
    expect(hasattr(value, "shape"), f"{what}은(는) 텐서를 반환해야 합니다.")
    return torch.as_tensor(value)


def _randn(rng, *shape):
    return torch.tensor(rng.standard_normal(shape), dtype=torch.float32)


# ---------------------------------------------------------------- input_gradient_norms
def _reference_norms(fn, x):
    x = x.clone().requires_grad_(True)
    fn(x).sum().backward()
    return x.grad.norm(dim=(0, 2))


@pytest.mark.cell("test_input_gradient_norms")
@pytest.mark.points(4)
def test_gradient_norms_through_an_rnn(student, rng):
    """RNN의 마지막 은닉 상태 합을 각 시점 입력으로 미분한 크기가 시간 순서대로 나오는지 확인합니다."""
    fn = FinalHidden("rnn", 5, 4, seed=3)
    x = _randn(rng, 3, 9, 5)
    got = _tensor(student.input_gradient_norms(fn, x), "input_gradient_norms")
    assert_close(got, _reference_norms(fn, x), rtol=1e-4, atol=1e-7,
                 hint="기울기 크기가 기대와 다릅니다. 마지막 은닉 상태의 합(sum)을 미분하고, 시점 t마다 "
                      "x[:, t]의 기울기 전체(배치 축과 입력 축)의 L2 노름을 (T,) 모양으로, t = 0부터 돌려주세요.")


@pytest.mark.cell("test_input_gradient_norms")
@pytest.mark.points(4)
def test_gradient_norms_through_an_lstm(student, rng):
    """망각 게이트 편향이 큰 LSTM에서도 시점별 기울기 크기가 맞는지 확인합니다 (B = 2, T = 12)."""
    fn = FinalHidden("lstm", 3, 6, seed=4, forget_bias=2.0)
    x = _randn(rng, 2, 12, 3)
    got = _tensor(student.input_gradient_norms(fn, x), "input_gradient_norms")
    assert_close(got, _reference_norms(fn, x), rtol=1e-4, atol=1e-7,
                 hint="LSTM에서 기울기 크기가 기대와 다릅니다. final_state_fn(x)가 돌려주는 h_T의 합을 "
                      "미분했는지, 결과가 시간 순서(t = 0이 가장 먼 과거)인지 확인하세요.")


# ---------------------------------------------------------------- batchify
@pytest.mark.cell("test_batchify")
@pytest.mark.points(3)
def test_batchify_keeps_neighbours_in_one_stream(student):
    """23개 토큰을 흐름 4개로 나누면 각 흐름이 연속한 5개 토큰이고 남는 3개는 버려지는지 확인합니다."""
    got = _tensor(student.batchify(list(range(100, 123)), 4), "batchify")
    want = torch.arange(100, 120).reshape(4, 5)
    expect(tuple(got.shape) == (4, 5), "batchify의 결과는 (batch_size, len(ids) // batch_size) 모양이어야 합니다.")
    assert_close(got, want, atol=0,
                 hint="흐름 b는 ids[b·L:(b+1)·L]처럼 이어지는 토큰이어야 합니다 (ids[b::B]처럼 건너뛰면 안 됩니다).")
    expect(not got.dtype.is_floating_point, "토큰 id는 정수 텐서(torch.long)로 돌려주세요.")


@pytest.mark.cell("test_batchify")
@pytest.mark.points(2)
def test_batchify_from_a_tensor_and_one_stream(student):
    """1차원 텐서(int32 포함)를 받아도 같은 LongTensor이고, batch_size = 1이면 흐름 하나에 모든 토큰이 들어가는지 확인합니다."""
    ids = torch.tensor([5, 3, 5, 0, 2, 2, 7])
    assert_close(_tensor(student.batchify(ids, 1), "batchify"), ids[None], atol=0,
                 hint="batch_size = 1이면 (1, len(ids)) 모양에 모든 토큰이 순서대로 들어가야 합니다.")
    assert_close(_tensor(student.batchify(ids, 3), "batchify"), ids[:6].reshape(3, 2), atol=0,
                 hint="텐서로 받은 ids도 리스트와 똑같이 나눠야 합니다.")
    got = _tensor(student.batchify(ids.to(torch.int32), 2), "batchify")
    expect(got.dtype == torch.long,
           "int32 텐서를 받아도 결과는 LongTensor(torch.long)여야 합니다 (F.cross_entropy의 정답은 long이어야 합니다).")


# ---------------------------------------------------------------- tbptt_batches
def _chunks(student, streams, bptt):
    out = student.tbptt_batches(streams, bptt)
    expect(isinstance(out, (list, tuple)) and all(isinstance(c, (list, tuple)) and len(c) == 2 for c in out),
           "tbptt_batches는 (x, y) 쌍의 리스트를 반환해야 합니다.")
    return [(torch.as_tensor(x), torch.as_tensor(y)) for x, y in out]


@pytest.mark.cell("test_tbptt_batches")
@pytest.mark.points(5)
def test_lm_batch_targets_shift(student):
    """연속한 정수 흐름에서 모든 조각이 y == x + 1 (정답은 다음 토큰)인지 확인합니다."""
    streams = torch.arange(3 * 11).reshape(3, 11)
    chunks = _chunks(student, streams, 4)
    expect(chunks, "조각이 하나도 없습니다.")
    for x, y in chunks:
        expect(tuple(x.shape) == tuple(y.shape) and x.shape[0] == 3, "x와 y는 같은 (B, n) 모양이어야 합니다.")
        expect(torch.equal(y, x + 1), "정답 y는 입력 x를 한 칸 민 것(다음 토큰)이어야 합니다.")


@pytest.mark.cell("test_tbptt_batches")
@pytest.mark.points(3)
def test_chunks_cover_the_streams_once(student):
    """조각의 x를 이으면 streams[:, :-1], y를 이으면 streams[:, 1:]이고 각 조각이 bptt 이하인지 확인합니다."""
    streams = torch.tensor(np.random.default_rng(5).integers(0, 50, (2, 12)))
    for bptt, sizes in [(5, [5, 5, 1]), (11, [11]), (30, [11])]:
        chunks = _chunks(student, streams, bptt)
        expect([x.shape[1] for x, _ in chunks] == sizes,
               "조각의 길이가 기대와 다릅니다. 앞에서부터 bptt씩 자르고, 마지막 조각은 남은 만큼만 (짧게) 두세요.")
        expect(torch.equal(torch.cat([x for x, _ in chunks], 1), streams[:, :-1])
               and torch.equal(torch.cat([y for _, y in chunks], 1), streams[:, 1:]),
               "조각을 이으면 입력은 streams[:, :-1], 정답은 streams[:, 1:]이어야 합니다 (빠지거나 겹치는 토큰 없이).")


# ---------------------------------------------------------------- sequence_cross_entropy
def _loss_case(rng, b=3, t=5, v=7, dtype=torch.float32):
    logits = torch.tensor(rng.standard_normal((b, t, v)) * 2, dtype=dtype)
    targets = torch.tensor(rng.integers(0, v, (b, t)))
    return logits, targets


@pytest.mark.cell("test_sequence_cross_entropy")
@pytest.mark.points(4)
def test_rnn_lm_loss(student, rng):
    """(B, T, V) 로짓의 손실이 F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))와 같은지 확인합니다."""
    logits, targets = _loss_case(rng)
    want = F.cross_entropy(logits.reshape(-1, 7), targets.reshape(-1))
    got = student.sequence_cross_entropy(logits, targets)
    expect(np.ndim(got) == 0, "손실은 숫자 하나(0차원 텐서)여야 합니다.")
    assert_close(got, want, atol=1e-5,
                 hint="손실 값이 다릅니다. 어휘 축(마지막 축)으로 softmax를 하고 모든 위치의 평균을 내세요.")


@pytest.mark.cell("test_sequence_cross_entropy")
@pytest.mark.points(4)
def test_loss_gradient_and_dtype_match_cross_entropy(student, rng):
    """로짓에 대한 기울기와 float64 입력에서의 결과 dtype이 F.cross_entropy와 같은지 확인합니다."""
    logits, targets = _loss_case(rng, b=2, t=6, v=5, dtype=torch.float64)
    value = student.sequence_cross_entropy(logits, targets)
    expect(torch.as_tensor(value).dtype == torch.float64,
           "float64 로짓에서 손실이 float64가 아닙니다. 새 텐서를 float32로 만들지 말고 로짓의 연산으로 계산하세요.")
    probe = student.value("torch").nn.Identity()(GradProbe())
    _, grads = probe.vjp(student.value("sequence_cross_entropy"), [logits, targets],
                         [torch.tensor(1.0, dtype=torch.float64)])
    want_logits = logits.clone().requires_grad_(True)
    F.cross_entropy(want_logits.reshape(-1, 5), targets.reshape(-1)).backward()
    assert_close(grads[0], want_logits.grad, atol=1e-9,
                 hint="로짓에 대한 기울기가 F.cross_entropy와 다릅니다. 손실이 계산 그래프에서 떨어지지 않게 "
                      "(.item(), .detach(), numpy 없이) 텐서 연산으로만 계산하세요.")


# ---------------------------------------------------------------- clip_grad_norm
def _grad_case(rng):
    """Six parameters of different shapes, the fourth frozen (grad None)."""
    shapes = [(3, 4), (4,), (2, 5), (5, 3), (1,), (6,)]
    values = [_randn(rng, *s) for s in shapes]
    grads = [_randn(rng, *s) * 3 for s in shapes]
    grads[3] = None
    return values, grads


def _torch_clip(values, grads, max_norm):
    params = [torch.nn.Parameter(v.clone(), requires_grad=g is not None) for v, g in zip(values, grads)]
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return float(total), [None if p.grad is None else p.grad for p in params]


def _check_grads(got, want, hint):
    expect(len(got) == len(want), hint)
    for g, w in zip(got, want):
        expect((g is None) == (w is None), "grad가 None인 (얼린) 파라미터는 None으로 남아야 합니다.")
        if w is not None:
            assert_close(g, w, rtol=1e-5, atol=1e-6, hint=hint)


@pytest.mark.cell("test_clip_grad_norm")
@pytest.mark.points(4)
def test_gradient_clipping(student, rng):
    """파라미터 6개(하나는 grad가 None)의 전체 노름과 클리핑한 기울기가 clip_grad_norm_과 같은지 확인합니다."""
    values, grads = _grad_case(rng)
    total, args, _ = student.call_with_args("clip_grad_norm", GradParams(values, grads), 1.5)
    want_total, want_grads = _torch_clip(values, grads, 1.5)
    expect(np.ndim(total) == 0, "clip_grad_norm은 클리핑 전의 전체 노름을 숫자 하나로 돌려줘야 합니다.")
    assert_close(float(total), want_total, rtol=1e-5,
                 hint="돌려준 노름이 다릅니다. 모든 기울기를 하나로 이은 벡터의 L2 노름(클리핑 전)을 돌려주세요.")
    _check_grads(args[0].grads(), want_grads,
                 "클리핑한 기울기가 다릅니다. 파라미터마다 따로가 아니라 전체 노름 하나로 모든 기울기에 "
                 "같은 배율 max_norm / (total + 1e-6)을 곱하세요.")


@pytest.mark.cell("test_clip_grad_norm")
@pytest.mark.points(3)
def test_clipping_leaves_small_gradients_alone(student, rng):
    """전체 노름이 max_norm보다 작으면 기울기를 그대로 두는지 확인합니다 (정수 max_norm)."""
    values, grads = _grad_case(rng)
    grads = [None if g is None else g / 100 for g in grads]
    total, args, _ = student.call_with_args("clip_grad_norm", GradParams(values, grads), 2)
    want_total, want_grads = _torch_clip(values, grads, 2)
    assert_close(float(total), want_total, rtol=1e-5, hint="돌려준 전체 노름이 다릅니다.")
    _check_grads(args[0].grads(), want_grads,
                 "노름이 max_norm보다 작은데 기울기가 바뀌었습니다. total > max_norm일 때만 줄이세요.")


@pytest.mark.cell("test_clip_grad_norm")
@pytest.mark.points(2)
def test_clipping_reads_the_parameters_once(student, rng):
    """한 번만 돌 수 있는 반복자(model.parameters() 같은)를 받아도 노름을 재고 클리핑하는지 확인합니다."""
    values, grads = _grad_case(rng)
    total, args, _ = student.call_with_args("clip_grad_norm", GradParams(values, grads, one_shot=True), 0.5)
    want_total, want_grads = _torch_clip(values, grads, 0.5)
    assert_close(float(total), want_total, rtol=1e-5, hint="돌려준 전체 노름이 다릅니다.")
    _check_grads(args[0].grads(), want_grads,
                 "model.parameters() 같은 반복자는 한 번만 돌 수 있습니다. 처음에 리스트로 모아 두고 쓰세요.")


@pytest.mark.cell("test_clip_grad_norm")
@pytest.mark.points(2)
def test_clipping_tiny_gradients_keeps_the_epsilon(student, rng):
    """전체 노름이 10⁻⁵ 정도로 작을 때도 배율 max_norm / (total + 1e-6)이 clip_grad_norm_과 같은지 확인합니다."""
    values, grads = _grad_case(rng)
    grads = [None if g is None else g * 1e-6 for g in grads]
    total, args, _ = student.call_with_args("clip_grad_norm", GradParams(values, grads), 5e-6)
    want_total, want_grads = _torch_clip(values, grads, 5e-6)
    assert_close(float(total), want_total, rtol=1e-5, hint="돌려준 전체 노름(클리핑 전)이 다릅니다.")
    got = args[0].grads()
    expect(len(got) == len(want_grads), "파라미터 수만큼 기울기가 있어야 합니다.")
    for g, w in zip(got, want_grads):
        expect((g is None) == (w is None), "grad가 None인 (얼린) 파라미터는 None으로 남아야 합니다.")
        if w is not None:
            assert_close(g, w, rtol=1e-4, atol=0.0,
                         hint="노름이 작을 때 클리핑한 기울기가 다릅니다. 배율은 정확히 max_norm / (total + 1e-6)입니다.")


@pytest.mark.cell("test_clip_grad_norm")
@pytest.mark.points(1)
def test_clipping_without_any_gradient(student, rng):
    """기울기가 하나도 없으면(모두 None, 첫 backward 전처럼) 전체 노름 0을 돌려주고 아무것도 바꾸지 않는지 확인합니다."""
    values, _ = _grad_case(rng)
    total, args, _ = student.call_with_args("clip_grad_norm", GradParams(values, [None] * len(values)), 1.0)
    expect(np.ndim(total) == 0, "clip_grad_norm은 전체 노름을 숫자 하나로 돌려줘야 합니다.")
    assert_close(float(total), 0.0, atol=0.0,
                 hint="기울기가 없으면 전체 노름은 빈 합의 제곱근, 0입니다 (torch.nn.utils.clip_grad_norm_도 0).")
    expect(all(g is None for g in args[0].grads()), "grad가 None인 파라미터는 None으로 남아야 합니다.")


# ---------------------------------------------------------------- train_tbptt
def _streams(seed, batch, length):
    return torch.tensor(np.random.default_rng(seed).integers(0, VOCAB, (batch, length)))


def _reference_training(ref, streams, bptt, max_norm, seed=1, lr=0.5):
    model = TinyLSTMLM(VOCAB, 5, 4, seed=seed)
    loss = ref.train_tbptt(model, streams, bptt, SGD(model.parameters(), lr=lr), max_norm)
    return model.snapshot(), loss


@pytest.mark.cell("test_train_tbptt")
@pytest.mark.points(6)
def test_tbptt_two_epochs_snapshot(student, ref):
    """조각 4개(마지막은 짧음)로 두 에폭 학습한 가중치가 기대와 같은지 확인합니다 (상태는 이어 쓰고 떼어 냄)."""
    streams = _streams(2, 3, 12)           # chunks of 4, 4, 3
    model = TinyLSTMLM(VOCAB, 5, 4, seed=1)
    opt = SGD(model.parameters(), lr=0.5)
    _, args, _ = student.call_with_args("train_tbptt", model, streams, 4, opt, 0.8)
    model_handle, opt_handle = args[0], args[3]
    student.train_tbptt(model_handle, streams, 4, opt_handle, 0.8)   # a second epoch on the same objects
    want_model = TinyLSTMLM(VOCAB, 5, 4, seed=1)
    want_opt = SGD(want_model.parameters(), lr=0.5)
    for _ in range(2):
        ref.train_tbptt(want_model, streams, 4, want_opt, 0.8)
    got, want = model_handle.snapshot(), want_model.snapshot()
    for name in want:
        assert_close(got[name], want[name], atol=1e-5,
                     hint="학습한 가중치가 다릅니다. 조각마다 zero_grad → backward → clip_grad_norm(max_norm) → "
                          "step 순서인지, 상태를 다음 조각으로 넘기고(처음부터 다시 시작하지 않고) detach했는지 "
                          "확인하세요.")


@pytest.mark.cell("test_train_tbptt")
@pytest.mark.points(4)
def test_tbptt_returns_the_mean_over_tokens(student, ref):
    """돌려주는 손실이 조각 평균의 평균이 아니라 예측한 모든 토큰의 평균인지 확인합니다 (조각 5, 5, 1)."""
    streams = _streams(3, 2, 12)
    model = TinyLSTMLM(VOCAB, 5, 4, seed=2)
    loss = student.train_tbptt(model, streams, 5, SGD(model.parameters(), lr=0.3), 5.0)
    _, want = _reference_training(ref, streams, 5, 5.0, seed=2, lr=0.3)
    expect(np.ndim(loss) == 0, "train_tbptt는 평균 손실을 숫자 하나로 돌려줘야 합니다.")
    assert_close(float(loss), want, rtol=1e-5,
                 hint="평균 손실이 다릅니다. 조각 손실 × 조각의 토큰 수를 더해 전체 토큰 수로 나누세요 "
                      "(마지막 조각이 짧으면 조각 평균의 평균과 달라집니다).")


# ---------------------------------------------------------------- evaluate_perplexity
@pytest.mark.cell("test_evaluate_perplexity")
@pytest.mark.points(5)
def test_perplexity_carries_state_over_ragged_chunks(student, ref):
    """상태를 이어 쓰며 읽은 모든 토큰의 평균 손실로 퍼플렉서티를 내는지 확인합니다 (조각 4, 4, 2)."""
    streams = _streams(4, 2, 11)
    model = TinyLSTMLM(VOCAB, 5, 4, seed=3)
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(3)   # a confident model: perplexities of different chunks differ a lot
    got = student.evaluate_perplexity(model, streams, 4)
    want = ref.evaluate_perplexity(model, streams, 4)
    expect(np.ndim(got) == 0 and math.isfinite(float(got)), "퍼플렉서티를 유한한 숫자 하나로 돌려주세요.")
    assert_close(float(got), want, rtol=1e-5,
                 hint="퍼플렉서티가 다릅니다. exp(모든 예측 토큰의 평균 교차 엔트로피)이고, 조각을 넘어 상태를 "
                      "이어 써야 합니다.")
