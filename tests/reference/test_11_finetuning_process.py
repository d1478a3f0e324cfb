"""The 11_finetuning_process reference against the libraries: torch.optim.lr_scheduler for the
schedule, sklearn's train_test_split(stratify=...) for the split, pad_sequence for collate, and a
resumed run of the course classifier (AdamW, LambdaLR, dropout, a shuffling DataLoader) that must
equal the uninterrupted one bit for bit."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from sklearn.model_selection import train_test_split

from grader.assignments import load_solution

ref = load_solution("11_finetuning_process")


# ----------------------------------------------------------------------------- schedule

def _torch_schedule(warmup, total, max_lr, min_lr, n_steps):
    """The same schedule from torch's schedulers: a linear LambdaLR warmup, then CosineAnnealingLR."""
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=max_lr)
    warm = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / warmup)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=min_lr)
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cosine], milestones=[warmup])
    lrs = []
    for _ in range(n_steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 40), st.floats(1e-4, 1.0), st.floats(0.0, 0.9))
def test_warmup_cosine_equals_torch_schedulers(warmup, span, max_lr, min_share):
    total, min_lr = warmup + span, max_lr * min_share
    want = _torch_schedule(warmup, total, max_lr, min_lr, total + 1)
    got = [ref.warmup_cosine(s, warmup, total, max_lr, min_lr) for s in range(total + 1)]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert ref.warmup_cosine(total + 5, warmup, total, max_lr, min_lr) == min_lr


def test_warmup_cosine_through_lambda_lr_is_the_exact_list():
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.3)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: ref.warmup_cosine(s, 3, 9, 1.0, 0.1))
    lrs = []
    for _ in range(12):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    want = [0.0, 0.1, 0.2] + [0.03 + 0.135 * (1 + math.cos(math.pi * k / 6)) for k in range(7)] + [0.03, 0.03]
    assert lrs == pytest.approx(want, abs=1e-12)


# ----------------------------------------------------------------------------- split

label_lists = st.lists(st.integers(0, 3), min_size=8, max_size=120).filter(
    lambda ys: min(np.bincount(ys)[np.bincount(ys) > 0]) >= 2)


@settings(max_examples=80, deadline=None)
@given(label_lists, st.sampled_from([0.1, 0.25, 0.3, 0.5]), st.integers(0, 10_000))
def test_split_class_counts_match_sklearn_stratify(labels, test_size, seed):
    labels = np.array(labels)
    train, test = ref.stratified_split(labels, test_size, seed)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(labels)))
    try:
        _, sk_test = train_test_split(np.arange(len(labels)), test_size=test_size, stratify=labels,
                                      random_state=seed)
    except ValueError:  # sklearn refuses splits with fewer test rows than classes
        return
    assert len(test) == len(sk_test)
    for c in np.unique(labels):
        ideal = len(test) * np.mean(labels == c)
        ours, theirs = int(np.sum(labels[test] == c)), int(np.sum(labels[sk_test] == c))
        assert abs(ours - ideal) < 1 and abs(ours - theirs) <= 1


def test_split_is_deterministic_and_seed_dependent():
    labels = np.repeat([0, 1, 2], [50, 30, 20])
    a, b = ref.stratified_split(labels, 0.2, 1)[1], ref.stratified_split(labels, 0.2, 1)[1]
    assert np.array_equal(a, b) and not np.array_equal(a, ref.stratified_split(labels, 0.2, 2)[1])


# ----------------------------------------------------------------------------- batches

@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(1, 50), min_size=1, max_size=9), min_size=1, max_size=6))
def test_collate_equals_pad_sequence(sequences):
    ids, mask = ref.collate(sequences, 0)
    want = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in sequences], batch_first=True)
    assert torch.equal(ids, want)
    assert mask.sum(1).tolist() == [len(s) for s in sequences]


def test_response_mask_equals_ignore_index_labels():
    """Loss with the response mask = cross-entropy with prompt labels set to -100 (the HF form)."""
    prompts, outputs = [[5, 6, 7], [8, 9]], [[10, 11], [12, 13, 14, 15]]
    batch = ref.tokenize_prompt_and_output(prompts, outputs, pad_id=0)
    logits = torch.randn(*batch["input_ids"].shape, 20, generator=torch.Generator().manual_seed(0))
    per_token = F.cross_entropy(logits.transpose(1, 2), batch["labels"], reduction="none")
    ours = ref.masked_mean(per_token, batch["response_mask"])
    hf_labels = batch["labels"].masked_fill(batch["response_mask"] == 0, -100)
    assert ours == pytest.approx(float(F.cross_entropy(logits.transpose(1, 2), hf_labels)), abs=1e-6)


def test_pool_last_token_equals_the_course_classifier():
    MiniGPT = load_solution("08_transformer_block").MiniGPT
    GPTClassifier = load_solution("10_finetuning_methods").GPTClassifier
    torch.manual_seed(0)
    model = GPTClassifier(MiniGPT(30, 16, 12, 2, 2, 24), 3).eval()
    ids, mask = ref.collate([[1, 2, 3], [4, 5, 6, 7, 8], [9]], 0)
    with torch.no_grad():
        x = model.gpt.tok_emb(ids) + model.gpt.pos_emb(torch.arange(ids.shape[1]))
        for block in model.gpt.blocks:
            x = block(x)
        pooled = ref.pool_last_token(model.gpt.ln_f(x), mask)
        assert torch.allclose(model.head(pooled), model(ids, mask), atol=1e-6)


# ----------------------------------------------------------------------------- resume

def _course_run(tmp_path, interrupt):
    """Two epochs of the course classifier (tiny GPT) with AdamW, warmup_cosine and reshuffled batches."""
    MiniGPT = load_solution("08_transformer_block").MiniGPT
    GPTClassifier = load_solution("10_finetuning_methods").GPTClassifier
    ref.set_seed(0)
    gen = torch.Generator().manual_seed(1)
    texts = [torch.randint(1, 40, (int(n),), generator=gen).tolist() for n in torch.randint(2, 12, (48,), generator=gen)]
    labels = torch.randint(0, 3, (48,), generator=gen)

    def batches():  # reshuffled every epoch from the global torch RNG (restored by a checkpoint)
        order = torch.randperm(48)
        for i in range(0, 48, 8):
            ids, mask = ref.collate([texts[j] for j in order[i:i + 8]], 0)
            yield {"input_ids": ids, "attention_mask": mask, "labels": labels[order[i:i + 8]]}

    def build():
        model = GPTClassifier(MiniGPT(40, 16, 12, 2, 2, 16), 3)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: ref.warmup_cosine(s, 3, 12, 1.0, 0.1))
        return model, opt, sched

    model, opt, sched = build()
    ref.train_one_epoch(model, list(batches()), opt, sched)
    ref.save_checkpoint(tmp_path / "ckpt.pt", model, opt, sched, 6)
    if interrupt:
        torch.rand(100)  # anything in between must not matter
        model, opt, sched = build()
        assert ref.load_checkpoint(tmp_path / "ckpt.pt", model, opt, sched) == 6
    ref.train_one_epoch(model, list(batches()), opt, sched)
    return model.state_dict(), opt.state_dict()["state"], sched.get_last_lr()


def test_resume_equals_uninterrupted_run(tmp_path):
    (a, a_opt, a_lr), (b, b_opt, b_lr) = _course_run(tmp_path, False), _course_run(tmp_path, True)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert all(torch.equal(a_opt[i]["exp_avg"], b_opt[i]["exp_avg"]) for i in a_opt)
    assert a_lr == b_lr
