"""The training loop, evaluation, seeding and checkpoints on a tiny classifier (grader.worker.testkit_torch)."""
import os
import pickle
import random
import uuid
from fractions import Fraction

import numpy as np
import pytest
import torch

from grader.checks import assert_close, assert_equal, expect, student_raises
from grader.worker.testkit_torch import SGD, StepDecay, TinyClassifier

VOCAB, N_CLASSES = 11, 3


def _batches(seed, n_batches, batch_size, length=6):
    """Right-padded batches of random token ids (lengths 1..length), labels 0..N_CLASSES-1."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(n_batches):
        lengths = rng.integers(1, length + 1, batch_size)
        ids = torch.tensor(rng.integers(1, VOCAB, (batch_size, length)))
        mask = (torch.arange(length)[None, :] < torch.tensor(lengths)[:, None]).long()
        batches.append({"input_ids": ids * mask, "attention_mask": mask,
                        "labels": torch.tensor(rng.integers(0, N_CLASSES, batch_size))})
    return batches


def _setup(seed=0, dropout=0.0, scheduler=None, momentum=0.5):
    """A tiny model, SGD with momentum (its buffers are optimizer state) and an optional lr decay."""
    model = TinyClassifier(VOCAB, 6, N_CLASSES, dropout=dropout, seed=seed)
    opt = SGD(model.parameters(), lr=0.5, momentum=momentum)
    sched = None if scheduler is None else StepDecay(opt, scheduler)
    return model, opt, sched


def _reference_run(ref, seed, dropout, batches, torch_seed=0, **kwargs):
    model, opt, sched = _setup(seed, dropout, scheduler=kwargs.pop("scheduler", None))
    torch.manual_seed(torch_seed)
    loss = ref.train_one_epoch(model, batches, opt, sched, **kwargs)
    return model.snapshot(), loss


# ----------------------------------------------------------------------------- set_seed

@pytest.mark.cell("test_set_seed")
@pytest.mark.points(4)
def test_set_seed_seeds_all_generators(student):
    """set_seed는 torch, numpy, 파이썬 random 세 난수 생성기를 모두 같은 시드로 초기화해야 합니다."""
    student.set_seed(1234)
    got_torch = student.value("torch").rand(3)
    got_np = student.value("np").random.rand(2)
    got_py = student.value("random").random()
    torch_state = torch.get_rng_state()
    torch.manual_seed(1234)
    want_torch = torch.rand(3)
    torch.set_rng_state(torch_state)
    assert_close(torch.as_tensor(got_torch), want_torch, atol=0, hint="torch.manual_seed(seed)를 부르세요.")
    assert_close(np.asarray(got_np), np.random.RandomState(1234).rand(2), atol=0, hint="np.random.seed(seed)를 부르세요.")
    assert_close(float(got_py), random.Random(1234).random(), atol=0, hint="random.seed(seed)를 부르세요.")


# ----------------------------------------------------------------------------- train_one_epoch

@pytest.mark.cell("test_train_one_epoch")
@pytest.mark.points(7)
def test_ten_steps_snapshot(student, ref):
    """배치 10개로 한 에폭 학습한 뒤의 가중치와 평균 손실이 기대한 값과 같은지 확인합니다."""
    batches = _batches(1, 10, 4)
    model, opt, _ = _setup(seed=3, dropout=0.3)
    model.eval()  # train_one_epoch must switch to training mode itself
    student.value("torch").manual_seed(0)
    loss, args, _ = student.call_with_args("train_one_epoch", model, batches, opt, None)
    want, want_loss = _reference_run(ref, 3, 0.3, batches)
    expect(isinstance(loss, (float, int)) or np.ndim(loss) == 0, "train_one_epoch는 평균 손실을 숫자 하나로 돌려줘야 합니다.")
    assert_close(float(loss), want_loss, atol=1e-5,
                 hint="돌려주는 값은 배치 손실(교차 엔트로피)의 평균입니다.")
    got = args[0].snapshot()
    for name in want:
        assert_close(got[name], want[name], atol=1e-5,
                     hint="매 갱신 뒤 optimizer.zero_grad()로 기울기를 비웠는지, model.train()으로 학습 모드를 켰는지 확인하세요.")


@pytest.mark.cell("test_train_one_epoch")
@pytest.mark.points(6)
def test_microbatch_step_grad(student, ref):
    """기울기 누적: accumulation_steps개 배치의 손실을 그 수로 나눠 더하면 큰 배치 한 번과 같은 갱신이어야 합니다."""
    micro = _batches(2, 6, 3)
    model, opt, sched = _setup(seed=4, scheduler=0.5)
    loss, args, _ = student.call_with_args("train_one_epoch", model, micro, opt, sched, accumulation_steps=3)
    merged = [{k: torch.cat([b[k] for b in micro[i:i + 3]]) for k in micro[0]} for i in (0, 3)]
    want, _ = _reference_run(ref, 4, 0.0, merged, scheduler=0.5)
    _, want_loss = _reference_run(ref, 4, 0.0, micro, scheduler=0.5, accumulation_steps=3)
    got = args[0].snapshot()
    for name in want:
        assert_close(got[name], want[name], atol=1e-5,
                     hint="누적할 때는 각 배치의 손실을 accumulation_steps로 나눠 backward 하고, "
                          "accumulation_steps 배치마다 한 번만 optimizer.step()과 scheduler.step()을 부르세요.")
    assert_close(float(loss), want_loss, atol=1e-5, hint="평균 손실은 accumulation_steps로 나누기 전 배치 손실의 평균입니다.")
    expect(abs(float(args[2].param_groups[0]["lr"]) - 0.5 * 0.25) < 1e-9,
           "스케줄러는 배치마다가 아니라 optimizer.step()마다 한 번 불러야 합니다.")


# ----------------------------------------------------------------------------- evaluate

@pytest.mark.cell("test_evaluate")
@pytest.mark.points(5)
def test_evaluate_is_deterministic_and_no_grad(student, ref):
    """평가는 드롭아웃을 끈 eval 모드와 torch.no_grad() 아래에서 해야 합니다 (손실과 정확도)."""
    batches = _batches(5, 3, 8)
    model = TinyClassifier(VOCAB, 6, N_CLASSES, dropout=0.6, seed=7)
    model.train()
    result, args, _ = student.call_with_args("evaluate", model, batches)
    expect(isinstance(result, dict) and {"loss", "accuracy"} <= set(result),
           'evaluate는 {"loss": ..., "accuracy": ...} dict를 돌려줘야 합니다.')
    want = ref.evaluate(TinyClassifier(VOCAB, 6, N_CLASSES, dropout=0.6, seed=7), batches)
    assert_close(float(result["loss"]), want["loss"], atol=1e-5,
                 hint="model.eval()로 드롭아웃을 끄고 평가하세요 (loss = 전체 예제의 교차 엔트로피 평균).")
    assert_close(float(result["accuracy"]), want["accuracy"], atol=1e-6,
                 hint="accuracy = argmax 예측이 맞은 예제 수 / 전체 예제 수 입니다.")
    seen = args[0].grad_seen
    expect(len(seen) > 0 and not any(seen), "평가 중에는 기울기를 계산하지 않도록 torch.no_grad() 안에서 모델을 부르세요.")


# ----------------------------------------------------------------------------- checkpoints

def _path():
    return f"/tmp/ft11_checkpoint_{uuid.uuid4().hex}.pt"


def _interrupted_run(student, path, save_at_step=3):
    """Train 2 epochs with a save in between; then a fresh model resumes from the file."""
    first, second = _batches(8, 3, 4), _batches(9, 4, 4)
    model, opt, sched = _setup(seed=5, dropout=0.4, scheduler=0.7)
    student.value("torch").manual_seed(21)
    _, (m, _, o, s), _ = student.call_with_args("train_one_epoch", model, first, opt, sched)
    student.save_checkpoint(path, m, o, s, save_at_step)
    student.train_one_epoch(m, second, o, s)
    uninterrupted = m.snapshot()
    fresh = _setup(seed=6, dropout=0.4, scheduler=0.7)
    step, (_, m2, o2, s2), _ = student.call_with_args("load_checkpoint", path, *fresh)
    loaded = m2.snapshot()
    student.train_one_epoch(m2, second, o2, s2)
    return step, loaded, uninterrupted, m2.snapshot(), (o.param_groups[0]["lr"], o2.param_groups[0]["lr"])


@pytest.mark.cell("test_checkpoint")
@pytest.mark.points(4)
def test_checkpoint_roundtrip(student, ref):
    """불러온 체크포인트는 저장할 때의 step과 모델 가중치를 그대로 되돌려야 합니다."""
    path = _path()
    try:
        step, loaded, _, _, _ = _interrupted_run(student, path, save_at_step=17)
    finally:
        if os.path.exists(path):
            os.remove(path)
    assert_equal(int(step), 17, hint="load_checkpoint는 저장해 둔 step을 돌려줘야 합니다.")
    model, opt, sched = _setup(seed=5, dropout=0.4, scheduler=0.7)
    torch.manual_seed(21)
    ref.train_one_epoch(model, _batches(8, 3, 4), opt, sched)
    want = model.snapshot()
    for name in want:
        assert_close(loaded[name], want[name], atol=1e-6, hint="모델 가중치(state_dict)를 저장하고 불러오세요.")


@pytest.mark.cell("test_checkpoint")
@pytest.mark.points(5)
def test_resume_equals_uninterrupted(student, ref):
    """체크포인트에서 이어 한 학습은 끊김 없이 한 학습과 같아야 합니다 (모델, 옵티마이저, 스케줄러, 난수 상태)."""
    path = _path()
    try:
        _, _, uninterrupted, resumed, (lr_a, lr_b) = _interrupted_run(student, path)
    finally:
        if os.path.exists(path):
            os.remove(path)
    assert_close(float(lr_b), float(lr_a), rtol=1e-9, hint="스케줄러 상태(state_dict)도 저장하고 불러오세요.")
    for name in uninterrupted:
        assert_close(resumed[name], uninterrupted[name], atol=1e-6,
                     hint="옵티마이저 상태(모멘텀 버퍼 등)와 난수 생성기 상태(torch.get_rng_state)까지 저장하고 불러와야 "
                          "이어 한 학습이 끊김 없는 학습과 같아집니다.")


# ----------------------------------------------------------------------------- uneven batches

def _uneven_batches(seed, sizes, length=6):
    """Right-padded batches of the given sizes (the last one smaller, as a loader's last batch)."""
    batches = []
    for i, size in enumerate(sizes):
        batches.extend(_batches(seed * 100 + i, 1, size, length))
    return batches


@pytest.mark.cell("test_train_one_epoch")
@pytest.mark.points(4)
def test_accumulation_with_a_short_last_group(student, ref):
    """배치 수가 accumulation_steps로 나누어떨어지지 않고 마지막 배치가 작을 때, 마지막 묶음도 갱신하고 평균 손실이 배치 손실의 평균인지 확인합니다."""
    batches = _uneven_batches(3, [4, 3, 4, 4, 3, 4, 2])
    model, opt, sched = _setup(seed=8, scheduler=0.5)
    loss, args, _ = student.call_with_args("train_one_epoch", model, batches, opt, sched, accumulation_steps=3)
    want, want_loss = _reference_run(ref, 8, 0.0, batches, scheduler=0.5, accumulation_steps=3)
    expect(abs(float(args[2].param_groups[0]["lr"]) - 0.5 * 0.5 ** 3) < 1e-9,
           "배치 7개를 3개씩 누적하면 갱신은 세 번입니다: 마지막 배치에서도 (묶음이 덜 찼어도) optimizer.step()과 "
           "scheduler.step()을 부르세요.")
    got = args[0].snapshot()
    for name in want:
        assert_close(got[name], want[name], atol=1e-5,
                     hint="마지막 묶음까지 갱신했는지, 모든 배치의 손실을 accumulation_steps로 나눠 backward 했는지 확인하세요.")
    assert_close(float(loss), want_loss, atol=1e-5,
                 hint="돌려주는 값은 배치 손실(나누기 전)의 평균입니다: 배치 크기가 달라도 배치마다 하나씩 평균합니다.")


@pytest.mark.cell("test_evaluate")
@pytest.mark.points(3)
def test_evaluate_counts_every_example_once(student, ref):
    """배치 크기가 다를 때(8, 8, 3) 손실과 정확도가 배치 평균의 평균이 아니라 전체 예제의 평균인지 확인합니다."""
    batches = _uneven_batches(6, [8, 8, 3])
    model = TinyClassifier(VOCAB, 6, N_CLASSES, seed=9)
    result = student.evaluate(model, batches)
    expect(isinstance(result, dict) and {"loss", "accuracy"} <= set(result),
           'evaluate는 {"loss": ..., "accuracy": ...} dict를 돌려줘야 합니다.')
    want = ref.evaluate(TinyClassifier(VOCAB, 6, N_CLASSES, seed=9), batches)
    assert_close(float(result["loss"]), want["loss"], atol=1e-6,
                 hint="loss는 전체 예제의 교차 엔트로피 평균입니다: 배치마다 합(reduction='sum')을 더하고 예제 수로 나누세요.")
    assert_close(float(result["accuracy"]), want["accuracy"], atol=1e-6,
                 hint="accuracy는 맞은 예제 수 / 전체 예제 수입니다 (배치 정확도의 평균이 아닙니다).")


@pytest.mark.cell("test_checkpoint")
@pytest.mark.points(2)
def test_checkpoint_without_scheduler(student):
    """scheduler가 None일 때도 저장하고 불러와, 이어 한 학습이 끊김 없는 학습과 같은지 확인합니다."""
    path = _path()
    try:
        first, second = _batches(10, 2, 4), _batches(11, 3, 4)
        model, opt, _ = _setup(seed=12, dropout=0.4)
        student.value("torch").manual_seed(5)
        _, (m, _, o, _), _ = student.call_with_args("train_one_epoch", model, first, opt, None)
        student.save_checkpoint(path, m, o, None, 9)
        student.train_one_epoch(m, second, o, None)
        uninterrupted = m.snapshot()
        fresh_model, fresh_opt, _ = _setup(seed=13, dropout=0.4)
        step, (_, m2, o2, _), _ = student.call_with_args("load_checkpoint", path, fresh_model, fresh_opt, None)
        student.train_one_epoch(m2, second, o2, None)
        resumed = m2.snapshot()
    finally:
        if os.path.exists(path):
            os.remove(path)
    assert_equal(int(step), 9, hint="scheduler가 None이어도 load_checkpoint는 저장해 둔 step을 돌려줘야 합니다.")
    for name in uninterrupted:
        assert_close(resumed[name], uninterrupted[name], atol=1e-6,
                     hint="scheduler는 None일 수 있습니다: 그때는 스케줄러 상태를 저장·복원하지 말고 나머지는 그대로 하세요.")


@pytest.mark.cell("test_checkpoint")
@pytest.mark.points(1)
def test_load_checkpoint_reads_weights_only(student):
    """load_checkpoint가 weights_only=True로 읽어, 파이썬 객체(여기서는 스케줄러 상태 안의 fractions.Fraction)가 든 체크포인트를 거부하는지 확인합니다."""
    path = _path()
    try:
        model, opt, sched = _setup(seed=14, scheduler=Fraction(1, 2))   # the decay factor is a Fraction
        student.save_checkpoint(path, model, opt, sched, 4)
        with student_raises(pickle.UnpicklingError,
                            hint="체크포인트는 torch.load(path, weights_only=True)로 읽으세요: 텐서·숫자·리스트·dict가 "
                                 "아닌 파이썬 객체는 읽지 않아야 합니다."):
            student.load_checkpoint(path, *_setup(seed=15, scheduler=0.5))
    finally:
        if os.path.exists(path):
            os.remove(path)
