"""11. 파인 튜닝 과정 — 참고 답안.

graded API: CURRICULUM.md "11_finetuning_process" (stratified_split, collate, warmup_cosine,
EarlyStopping, save_checkpoint / load_checkpoint, train_one_epoch, evaluate, set_seed) and the
helpers this assignment adds for BUG_CATALOG "Fine-tuning process": tokenize_prompt_and_output,
collate_lm, masked_mean, pool_last_token.

A batch (what a loader yields) is a dict {"input_ids": (B, T), "attention_mask": (B, T), "labels": (B,)};
a model is called as model(input_ids, attention_mask) and returns logits (B, n_classes).
"""
from __future__ import annotations

import math
import random

import numpy as np
import torch
import torch.nn.functional as F

IGNORE_INDEX = -100


# ----------------------------------------------------------------------------- reproducibility

def set_seed(seed):
    """파이썬 `random`, NumPy, PyTorch의 난수 생성기를 모두 같은 시드로 초기화합니다.

    같은 시드 → 같은 데이터 순서, 같은 초기화, 같은 드롭아웃 → 같은 결과 (재현성).
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


# ----------------------------------------------------------------------------- data

def stratified_split(labels, test_size, seed):
    """층화 분할 (stratified split): 클래스 비율을 지키며 인덱스를 학습용 / 평가용으로 나눕니다.

    labels: 길이 N의 클래스 레이블, test_size: 비율 (0 < test_size < 1) 또는 개수 (int, 1 ≤ test_size < N).
    n_test = ceil(test_size · N) (비율일 때). 클래스 c (개수 N_c)의 평가용 몫은 이상값
    n_test · N_c / N의 내림이고, 남는 자리는 소수 부분이 큰 클래스부터 하나씩 채웁니다.
    각 클래스 안에서는 np.random.default_rng(seed)로 섞어 앞에서부터 고릅니다.
    반환값: (train_idx, test_idx) — 정렬된 int 배열, 서로소, 합치면 0..N-1 전부.
    """
    labels = np.asarray(labels)
    n = len(labels)
    n_test = math.ceil(test_size * n) if isinstance(test_size, float) else int(test_size)
    classes, counts = np.unique(labels, return_counts=True)
    ideal = n_test * counts / n
    per_class = np.floor(ideal).astype(int)
    for c in np.argsort(-(ideal - per_class), kind="stable")[: n_test - per_class.sum()]:
        per_class[c] += 1
    rng = np.random.default_rng(seed)
    test = []
    for c, k in zip(classes, per_class):
        members = np.flatnonzero(labels == c)
        test.extend(rng.permutation(members)[:k])
    test_idx = np.sort(np.array(test, dtype=int))
    train_idx = np.setdiff1d(np.arange(n), test_idx)
    return train_idx, test_idx


def collate(sequences, pad_id):
    """길이가 다른 토큰 id 목록들을 한 배치로: 가장 긴 길이에 맞춰 오른쪽에 pad_id를 채웁니다.

    input_ids[b, t] = sequences[b][t] (t < len_b), 그 뒤는 pad_id
    attention_mask[b, t] = 1 (실제 토큰), 0 (패딩) — 값이 아니라 길이로 (pad_id가 실제 토큰으로 나와도)
    반환값: (input_ids, attention_mask) — 둘 다 torch.long, 모양 (B, max_len). sequences는 바꾸지 않습니다.
    """
    max_len = max(len(s) for s in sequences)
    input_ids = torch.full((len(sequences), max_len), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(sequences), max_len), dtype=torch.long)
    for b, sequence in enumerate(sequences):
        input_ids[b, : len(sequence)] = torch.as_tensor(list(sequence), dtype=torch.long)
        attention_mask[b, : len(sequence)] = 1
    return input_ids, attention_mask


def tokenize_prompt_and_output(prompt_ids, output_ids, pad_id=0):
    """지시 튜닝 (SFT) 예제: 프롬프트 + 응답을 이어 붙이고 다음 토큰을 맞히도록 한 칸 밀어 줍니다.

    예제 b마다 full = prompt + output (길이 L_b), P = len(prompt):
        input_ids[b, t] = full[t],  labels[b, t] = full[t + 1]     (t = 0 .. L_b - 2)
        response_mask[b, t] = 1  ⇔  labels[b, t]가 응답 토큰  ⇔  t ≥ P - 1
    (레이블은 한 칸 밀려 있으므로 프롬프트의 마지막 위치 P - 1이 응답의 첫 토큰을 예측합니다.)
    오른쪽 패딩 자리(labels에서는 t ≥ L_b - 1)는 pad_id로 채우고, 그 자리의 response_mask는 0입니다.
    마스크는 값이 아니라 위치로 정합니다(응답 안에 pad_id와 같은 토큰이 있어도 그 자리는 1).
    반환값: dict {"input_ids", "labels", "response_mask"} — 모양 (B, max_b L_b - 1), torch.long.
    prompt_ids, output_ids는 바꾸지 않습니다.
    """
    fulls = [list(p) + list(o) for p, o in zip(prompt_ids, output_ids)]
    width = max(len(f) for f in fulls) - 1
    input_ids = torch.full((len(fulls), width), pad_id, dtype=torch.long)
    labels = torch.full((len(fulls), width), pad_id, dtype=torch.long)
    response_mask = torch.zeros((len(fulls), width), dtype=torch.long)
    for b, (full, prompt) in enumerate(zip(fulls, prompt_ids)):
        n = len(full) - 1
        input_ids[b, :n] = torch.tensor(full[:-1])
        labels[b, :n] = torch.tensor(full[1:])
        response_mask[b, len(prompt) - 1 : n] = 1
    return {"input_ids": input_ids, "labels": labels, "response_mask": response_mask}


def collate_lm(sequences, eos_id, ignore_index=IGNORE_INDEX):
    """언어 모델 학습용 배치: 문장마다 끝에 EOS를 붙이고 EOS로 패딩한 뒤 한 칸 밀어 줍니다.

    padded[b] = sequences[b] + [eos_id] · (max_len + 1 - len_b)     (EOS가 최소 하나)
    input_ids = padded[:, :-1],  labels = padded[:, 1:]
    labels에서 **첫 번째 EOS는 남기고**(모델이 멈추는 법을 배움) 그 뒤의 패딩은 ignore_index로.
    attention_mask[b, t] = 1 (t < len_b). 가리는 자리와 마스크는 값이 아니라 길이로 정합니다(문장 안에
    eos_id와 같은 토큰이 있어도 그것은 데이터입니다).
    반환값: dict {"input_ids", "labels", "attention_mask"} — 모양 (B, max_len), torch.long.
    sequences는 바꾸지 않습니다.
    """
    max_len = max(len(s) for s in sequences)
    input_ids = torch.full((len(sequences), max_len), eos_id, dtype=torch.long)
    labels = torch.full((len(sequences), max_len), ignore_index, dtype=torch.long)
    attention_mask = torch.zeros((len(sequences), max_len), dtype=torch.long)
    for b, sequence in enumerate(sequences):
        padded = list(sequence) + [eos_id]
        n = len(sequence)
        input_ids[b, :n] = torch.tensor(padded[:-1], dtype=torch.long)
        labels[b, :n] = torch.tensor(padded[1:], dtype=torch.long)
        attention_mask[b, :n] = 1
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}


def masked_mean(x, mask, dim=None):
    """마스크가 1인 원소만의 평균 (응답 토큰만의 손실 등).

    masked_mean = Σ (x · mask) / Σ mask   (dim이 None이면 전체, 아니면 그 축을 따라)
    x와 mask는 바꾸지 않습니다.
    """
    mask = mask.to(x.dtype)
    if dim is None:
        return (x * mask).sum() / mask.sum()
    return (x * mask).sum(dim=dim) / mask.sum(dim=dim)


def pool_last_token(hidden, attention_mask):
    """오른쪽 패딩 배치에서 문장마다 마지막 실제 토큰의 은닉 상태를 고릅니다.

    last_b = Σ_t attention_mask[b, t] - 1,   pooled[b] = hidden[b, last_b]
    hidden: (B, T, D), attention_mask: (B, T) → (B, D).
    (GPT는 인과 마스크를 쓰므로 문장 전체를 본 위치는 마지막 실제 토큰뿐입니다.)
    """
    last = attention_mask.long().sum(dim=1) - 1
    return hidden[torch.arange(hidden.shape[0]), last]


# ----------------------------------------------------------------------------- schedule, stopping

def warmup_cosine(step, warmup_steps, total_steps, max_lr, min_lr=0.0):
    """워밍업 + 코사인 학습률 스케줄 (step은 0부터, 0 ≤ warmup_steps < total_steps).

    step < warmup_steps:                lr = max_lr · step / warmup_steps
    warmup_steps ≤ step ≤ total_steps:  p = (step - warmup_steps) / (total_steps - warmup_steps)
                                        lr = min_lr + ½ (max_lr - min_lr)(1 + cos(π p))
    step > total_steps:                 lr = min_lr
    """
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    if step > total_steps:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))


class EarlyStopping:
    """조기 종료 (early stopping): 검증 지표가 patience번 연속 나아지지 않으면 멈추라고 알립니다.

    mode="min"(손실): value < best - min_delta 이면 개선, mode="max"(정확도): value > best + min_delta.
    첫 값은 언제나 개선입니다. 개선이면 best = value, counter = 0; 아니면 counter += 1.
    step(value) → counter ≥ patience 이면 True (멈춤). mode가 "min"도 "max"도 아니면 ValueError.
    """

    def __init__(self, patience, min_delta=0.0, mode="min"):
        """속성: patience, min_delta, mode, best (아직 값이 없으면 None), counter (0에서 시작)."""
        if mode not in ("min", "max"):
            raise ValueError("mode는 'min' 또는 'max'입니다.")
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        self.best = None
        self.counter = 0

    def step(self, value):
        """값 하나를 기록하고, 멈춰야 하면 True를 돌려줍니다."""
        value = float(value)
        if self.best is None or self._improved(value):
            self.best = value
            self.counter = 0
        else:
            self.counter += 1
        return self.counter >= self.patience

    def _improved(self, value):
        """value가 best보다 min_delta 넘게 좋은가 (mode에 따라 작을수록 / 클수록 좋음)."""
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


# ----------------------------------------------------------------------------- checkpoints

def _rng_state():
    """세 난수 생성기의 현재 상태를 dict로: {"python": random.getstate(), "torch": torch.get_rng_state(),
    "numpy": [key를 tolist()한 리스트, pos, has_gauss, gauss]} — torch.load(weights_only=True)로 읽을 수 있는 값만."""
    _, key, pos, has_gauss, gauss = np.random.get_state()
    return {"python": random.getstate(), "torch": torch.get_rng_state(),
            "numpy": [key.tolist(), pos, has_gauss, gauss]}


def _set_rng_state(state):
    """_rng_state()가 만든 dict로 세 난수 생성기를 되돌립니다 (NumPy는 ("MT19937", uint32 배열, pos, has_gauss, gauss))."""
    random.setstate(state["python"])
    torch.set_rng_state(state["torch"])
    key, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state(("MT19937", np.array(key, dtype=np.uint32), pos, has_gauss, gauss))


def save_checkpoint(path, model, optimizer, scheduler, step):
    """이어서 학습하는 데 필요한 모든 것을 파일 하나에 저장합니다 (torch.save).

    모델 가중치, 옵티마이저 상태 (AdamW의 모멘트 등), 스케줄러 상태, 지금까지의 step,
    난수 생성기 상태 — 하나라도 빠지면 이어서 한 학습이 끊김 없는 학습과 달라집니다.
    scheduler는 None일 수 있습니다.
    """
    torch.save({"model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": None if scheduler is None else scheduler.state_dict(),
                "step": step,
                "rng": _rng_state()}, path)


def load_checkpoint(path, model, optimizer, scheduler):
    """save_checkpoint가 저장한 상태를 제자리에 되돌리고 저장된 step을 돌려줍니다 (scheduler는 None일 수 있음).

    torch.load(path, weights_only=True)로 읽습니다: 텐서·숫자·문자열·리스트·튜플·dict가 아닌 파이썬 객체가 든 파일은
    읽지 않고 오류(pickle.UnpicklingError)를 냅니다.
    """
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    _set_rng_state(checkpoint["rng"])
    return checkpoint["step"]


# ----------------------------------------------------------------------------- training loop

def train_one_epoch(model, loader, optimizer, scheduler=None, accumulation_steps=1):
    """한 에폭 학습: 배치마다 순전파 → 교차 엔트로피 손실 → 역전파, accumulation_steps 배치마다 갱신.

    model.train()으로 학습 모드(드롭아웃 켬). 배치 i의 손실 ℓ_i = cross_entropy(model(ids, mask), labels).
    (ℓ_i / accumulation_steps).backward() — 기울기를 k개 배치에 걸쳐 더하면 k배 큰 배치의 평균 손실의
    기울기가 됩니다. (i + 1)이 accumulation_steps의 배수이거나 마지막 배치이면
    optimizer.step() → scheduler.step() (있으면) → optimizer.zero_grad().
    (배치 수가 나누어떨어지지 않으면 마지막 묶음은 배치가 더 적은 채로 갱신합니다.)
    반환값: 배치 손실 ℓ_i (나누기 전)의 평균 (float) — 배치 크기가 달라도 배치마다 하나씩.
    """
    model.train()
    optimizer.zero_grad()
    losses = []
    for i, batch in enumerate(loader):
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["labels"])
        (loss / accumulation_steps).backward()
        losses.append(loss.item())
        if (i + 1) % accumulation_steps == 0 or i + 1 == len(loader):
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            optimizer.zero_grad()
    return sum(losses) / len(losses)


def evaluate(model, loader):
    """평가: model.eval() (드롭아웃 끔)과 torch.no_grad() (기울기 계산 안 함) 아래에서 손실과 정확도.

    loss = 전체 예제의 교차 엔트로피 평균, accuracy = argmax 예측이 맞은 예제의 비율
    (배치 크기가 달라도 예제마다 한 번씩 셉니다: 배치 평균들의 평균이 아닙니다).
    반환값: {"loss": float, "accuracy": float}
    """
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for batch in loader:
            logits = model(batch["input_ids"], batch["attention_mask"])
            total_loss += F.cross_entropy(logits, batch["labels"], reduction="sum").item()
            correct += (logits.argmax(dim=-1) == batch["labels"]).sum().item()
            count += len(batch["labels"])
    return {"loss": total_loss / count, "accuracy": correct / count}
