"""Buggy variants of the reference, one per BUG_CATALOG "Fine-tuning process" row.

Each entry edits top-level definitions of solutions/11_finetuning_process.py with (old, new) pairs.
tests/project/test_hidden_suites.py grades every one and asserts that it loses points.
"""

MUTANTS = {
    # 1: the loss covers the prompt too (no response mask: every real label counts)
    "ftproc-01-loss-over-prompt-tokens": {
        "tokenize_prompt_and_output": [("response_mask[b, len(prompt) - 1 : n] = 1",
                                        "response_mask[b, :n] = 1")],
    },
    # 2: the prompt mask forgets the shift (the first response label is masked out)
    "ftproc-02-prompt-mask-off-by-one": {
        "tokenize_prompt_and_output": [("response_mask[b, len(prompt) - 1 : n] = 1",
                                        "response_mask[b, len(prompt) : n] = 1")],
    },
    # 3: every EOS/pad label becomes -100, the first EOS included (the model never learns to stop)
    "ftproc-03-first-eos-masked": {
        "collate_lm": [("    return {\"input_ids\": input_ids, \"labels\": labels",
                        "    labels[labels == eos_id] = ignore_index\n"
                        "    return {\"input_ids\": input_ids, \"labels\": labels")],
    },
    # 4: gradient accumulation without dividing the loss by the number of micro-batches
    "ftproc-04-accumulation-not-divided": {
        "train_one_epoch": [("(loss / accumulation_steps).backward()", "loss.backward()")],
    },
    # 5: the masked mean divides by every element, masked or not
    "ftproc-05-masked-mean-over-all-elements": {
        "masked_mean": [("return (x * mask).sum() / mask.sum()", "return (x * mask).mean()"),
                        ("return (x * mask).sum(dim=dim) / mask.sum(dim=dim)",
                         "return (x * mask).mean(dim=dim)")],
    },
    # 6: no zero_grad: gradients pile up across steps
    "ftproc-06-missing-zero-grad": {
        "train_one_epoch": [("            optimizer.zero_grad()\n", "")],
    },
    # 7: warmup off by one (lr counts from step + 1, so step 0 already has a learning rate)
    "ftproc-07-warmup-off-by-one": {
        "warmup_cosine": [("return max_lr * step / warmup_steps", "return max_lr * (step + 1) / warmup_steps")],
    },
    # 8: the checkpoint keeps the model only: optimizer state and the step are lost
    "ftproc-08-checkpoint-without-optimizer-and-step": {
        "save_checkpoint": [('"optimizer": optimizer.state_dict(),\n', "")],
        "load_checkpoint": [('    optimizer.load_state_dict(checkpoint["optimizer"])\n', ""),
                            ('return checkpoint["step"]', "return 0")],
    },
    # 9: evaluation with dropout on and autograd recording
    "ftproc-09-eval-with-dropout-and-grad": {
        "evaluate": [("    model.eval()\n", ""), ("with torch.no_grad():", "if True:")],
    },
    # 10: the classifier reads the last column, which is padding on right-padded rows
    "ftproc-10-pool-reads-padding": {
        "pool_last_token": [("return hidden[torch.arange(hidden.shape[0]), last]", "return hidden[:, -1]")],
    },
    # sentinels that are also data: masks read from token values instead of lengths / positions
    "ftproc-extra-collate-mask-from-token-values": {
        "collate": [("    return input_ids, attention_mask",
                     "    attention_mask = (input_ids != pad_id).long()\n"
                     "    return input_ids, attention_mask")],
    },
    "ftproc-03-first-eos-found-by-value": {
        "collate_lm": '''
def collate_lm(sequences, eos_id, ignore_index=IGNORE_INDEX):
    max_len = max(len(s) for s in sequences)
    padded = torch.tensor([list(s) + [eos_id] * (max_len + 1 - len(s)) for s in sequences], dtype=torch.long)
    input_ids, labels = padded[:, :-1], padded[:, 1:].clone()
    for row in labels:
        eos_positions = (row == eos_id).nonzero()
        if len(eos_positions):
            row[int(eos_positions[0]) + 1:] = ignore_index
    attention_mask = (input_ids != eos_id).long()
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
''',
    },
    "ftproc-01-response-mask-from-label-values": {
        "tokenize_prompt_and_output": [
            ('    return {"input_ids": input_ids, "labels": labels, "response_mask": response_mask}',
             '    response_mask[labels == pad_id] = 0\n'
             '    return {"input_ids": input_ids, "labels": labels, "response_mask": response_mask}')],
    },
    # the caller's inputs changed in place
    "ftproc-extra-collate-pads-the-callers-lists": {
        "collate": '''
def collate(sequences, pad_id):
    max_len = max(len(s) for s in sequences)
    lengths = [len(s) for s in sequences]
    for sequence in sequences:
        sequence.extend([pad_id] * (max_len - len(sequence)))
    input_ids = torch.tensor(sequences, dtype=torch.long)
    attention_mask = (torch.arange(max_len)[None, :] < torch.tensor(lengths)[:, None]).long()
    return input_ids, attention_mask
''',
    },
    "ftproc-extra-collate-lm-appends-eos-to-the-callers-lists": {
        "collate_lm": [("        padded = list(sequence) + [eos_id]\n"
                        "        n = len(sequence)\n",
                        "        n = len(sequence)\n"
                        "        sequence.append(eos_id)\n"
                        "        padded = sequence\n")],
    },
    "ftproc-extra-tokenize-extends-the-prompt": {
        "tokenize_prompt_and_output": [
            ("    fulls = [list(p) + list(o) for p, o in zip(prompt_ids, output_ids)]",
             "    prompt_lengths = [len(p) for p in prompt_ids]\n"
             "    fulls = []\n"
             "    for p, o in zip(prompt_ids, output_ids):\n"
             "        p += o\n"
             "        fulls.append(p)"),
            ("response_mask[b, len(prompt) - 1 : n] = 1", "response_mask[b, prompt_lengths[b] - 1 : n] = 1")],
    },
    "ftproc-extra-masked-mean-zeroes-x-in-place": {
        "masked_mean": [("    mask = mask.to(x.dtype)\n", "    mask = mask.to(x.dtype)\n    x.mul_(mask)\n")],
    },
    # batch counts that do not divide evenly, batches of unequal size
    "ftproc-04-accumulation-skips-the-short-last-group": {
        "train_one_epoch": [("if (i + 1) % accumulation_steps == 0 or i + 1 == len(loader):",
                             "if (i + 1) % accumulation_steps == 0:")],
    },
    "ftproc-extra-epoch-loss-weighted-by-examples": {
        "train_one_epoch": [("        losses.append(loss.item())",
                             "        losses.extend([loss.item()] * len(batch[\"labels\"]))")],
    },
    "ftproc-09-evaluate-mean-of-batch-means": {
        "evaluate": [
            ('total_loss += F.cross_entropy(logits, batch["labels"], reduction="sum").item()',
             'total_loss += F.cross_entropy(logits, batch["labels"]).item()'),
            ('correct += (logits.argmax(dim=-1) == batch["labels"]).sum().item()',
             'correct += (logits.argmax(dim=-1) == batch["labels"]).float().mean().item()'),
            ('count += len(batch["labels"])', "count += 1")],
    },
    # documented limits
    "ftproc-08-checkpoint-needs-a-scheduler": {
        "save_checkpoint": [('"scheduler": None if scheduler is None else scheduler.state_dict(),',
                             '"scheduler": scheduler.state_dict(),')],
    },
    "ftproc-extra-early-stopping-accepts-any-mode": {
        "EarlyStopping": [("        if mode not in (\"min\", \"max\"):\n"
                           "            raise ValueError(\"mode는 'min' 또는 'max'입니다.\")\n", "")],
    },
}

# Realistic buggy submissions for the demo (grader.authoring.samples): each mixes catalog rows.
SAMPLES = {
    "bug-no-zero-grad-eval-dropout": ["ftproc-06-missing-zero-grad", "ftproc-09-eval-with-dropout-and-grad"],
    "bug-sft-masks": ["ftproc-01-loss-over-prompt-tokens", "ftproc-03-first-eos-masked"],
    "bug-warmup-and-checkpoint": ["ftproc-07-warmup-off-by-one", "ftproc-08-checkpoint-without-optimizer-and-step"],
}

# Correct solutions written differently (tests/project/test_hidden_suites.py: each keeps 100 points).
ALTERNATIVES = {
    # A different correct split: one shuffle of all indices (each class takes its first members in that
    # order), ties between equal fractional parts to the larger class, the test set as a boolean mask.
    # Other examples than the reference's, with every stated guarantee.
    "alt-stratified-split-one-shuffle": {
        "stratified_split": '''
def stratified_split(labels, test_size, seed):
    labels = np.asarray(labels)
    n = labels.shape[0]
    n_test = int(test_size) if isinstance(test_size, (int, np.integer)) else math.ceil(test_size * n)
    classes, counts = np.unique(labels, return_counts=True)
    ideal = n_test * counts / n
    per_class = np.floor(ideal).astype(int)
    remainder = ideal - per_class
    order = sorted(range(len(classes)), key=lambda c: (-remainder[c], -counts[c]))
    for c in order[: n_test - per_class.sum()]:
        per_class[c] += 1
    shuffled = np.random.default_rng(seed).permutation(n)
    in_test = np.zeros(n, dtype=bool)
    for c, k in zip(classes, per_class):
        in_test[shuffled[labels[shuffled] == c][:k]] = True
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)
''',
    },
    # Batches built from padded Python lists; SFT examples padded first and shifted after (as CS336
    # does); collate_lm by masked_fill; masked_mean by torch.where; pooling by gather.
    "alt-list-collates-and-pad-then-shift": {
        "collate": '''
def collate(sequences, pad_id):
    width = max(len(s) for s in sequences)
    ids = [[int(t) for t in s] + [pad_id] * (width - len(s)) for s in sequences]
    mask = [[1] * len(s) + [0] * (width - len(s)) for s in sequences]
    return torch.tensor(ids, dtype=torch.long), torch.tensor(mask, dtype=torch.long)
''',
        "tokenize_prompt_and_output": '''
def tokenize_prompt_and_output(prompt_ids, output_ids, pad_id=0):
    fulls = [[int(t) for t in p] + [int(t) for t in o] for p, o in zip(prompt_ids, output_ids)]
    width = max(len(f) for f in fulls)
    padded = torch.tensor([f + [pad_id] * (width - len(f)) for f in fulls], dtype=torch.long)
    position = torch.arange(width - 1)[None, :]
    starts = torch.tensor([len(p) - 1 for p in prompt_ids])[:, None]
    ends = torch.tensor([len(f) - 1 for f in fulls])[:, None]
    response_mask = ((position >= starts) & (position < ends)).long()
    return {"input_ids": padded[:, :-1], "labels": padded[:, 1:], "response_mask": response_mask}
''',
        "collate_lm": '''
def collate_lm(sequences, eos_id, ignore_index=IGNORE_INDEX):
    width = max(len(s) for s in sequences)
    padded = torch.tensor([[int(t) for t in s] + [eos_id] * (width + 1 - len(s)) for s in sequences])
    real = torch.arange(width)[None, :] < torch.tensor([len(s) for s in sequences])[:, None]
    labels = padded[:, 1:].masked_fill(~real, ignore_index)
    return {"input_ids": padded[:, :-1], "labels": labels, "attention_mask": real.long()}
''',
        "masked_mean": '''
def masked_mean(x, mask, dim=None):
    keep = mask.bool()
    kept = torch.where(keep, x, torch.zeros_like(x))
    if dim is None:
        return kept.sum() / keep.sum()
    return kept.sum(dim) / keep.sum(dim)
''',
        "pool_last_token": '''
def pool_last_token(hidden, attention_mask):
    last = attention_mask.sum(dim=1).long() - 1
    index = last[:, None, None].expand(-1, 1, hidden.shape[-1])
    return hidden.gather(1, index).squeeze(1)
''',
    },
    # A checkpoint with another layout (flat keys, NumPy's key as a tensor, no scheduler entry when
    # there is none, torch.load's default weights_only=True); the epoch as groups of batches;
    # evaluation on concatenated logits with a float32 accuracy; the schedule with a clamped progress;
    # early stopping by a sign.
    "alt-flat-checkpoint-grouped-epoch": {
        "save_checkpoint": '''
def save_checkpoint(path, model, optimizer, scheduler, step):
    _, key, pos, has_gauss, gauss = np.random.get_state()
    state = {"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
             "global_step": step, "python_rng": random.getstate(), "torch_rng": torch.get_rng_state(),
             "numpy_rng": {"key": torch.from_numpy(key.astype(np.int64)), "pos": pos,
                           "has_gauss": has_gauss, "gauss": gauss}}
    if scheduler is not None:
        state["scheduler_state_dict"] = scheduler.state_dict()
    torch.save(state, path)
''',
        "load_checkpoint": '''
def load_checkpoint(path, model, optimizer, scheduler):
    state = torch.load(path)
    model.load_state_dict(state["model_state_dict"])
    optimizer.load_state_dict(state["optimizer_state_dict"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler_state_dict"])
    random.setstate(state["python_rng"])
    torch.set_rng_state(state["torch_rng"])
    rng = state["numpy_rng"]
    np.random.set_state(("MT19937", rng["key"].numpy().astype(np.uint32), rng["pos"], rng["has_gauss"], rng["gauss"]))
    return state["global_step"]
''',
        "train_one_epoch": '''
def train_one_epoch(model, loader, optimizer, scheduler=None, accumulation_steps=1):
    model.train()
    batches = list(loader)
    total = 0.0
    optimizer.zero_grad()
    for start in range(0, len(batches), accumulation_steps):
        for batch in batches[start:start + accumulation_steps]:
            loss = F.cross_entropy(model(batch["input_ids"], batch["attention_mask"]), batch["labels"])
            (loss / accumulation_steps).backward()
            total += loss.item()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        optimizer.zero_grad()
    return total / len(batches)
''',
        "evaluate": '''
@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    logits, labels = [], []
    for batch in loader:
        logits.append(model(batch["input_ids"], batch["attention_mask"]))
        labels.append(batch["labels"])
    logits, labels = torch.cat(logits), torch.cat(labels)
    return {"loss": F.cross_entropy(logits, labels).item(),
            "accuracy": (logits.argmax(dim=-1) == labels).float().mean().item()}
''',
        "warmup_cosine": '''
def warmup_cosine(step, warmup_steps, total_steps, max_lr, min_lr=0.0):
    if step < warmup_steps:
        return max_lr * (step / warmup_steps)
    progress = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    return min_lr + (max_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2
''',
        "EarlyStopping": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0, mode="min"):
        if mode not in {"min", "max"}:
            raise ValueError(f"unknown mode {mode!r}")
        self.patience, self.min_delta, self.mode = patience, min_delta, mode
        self.best = None
        self.counter = 0
        self._sign = 1.0 if mode == "min" else -1.0

    def step(self, value):
        value = float(value)
        if self.best is None or self._sign * (self.best - value) > self.min_delta:
            self.best, self.counter = value, 0
        else:
            self.counter += 1
        return self.counter >= self.patience
''',
        "set_seed": '''
def set_seed(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)
''',
    },
}
