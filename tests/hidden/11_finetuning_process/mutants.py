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

# Realistic buggy submissions for the demo (grader.samples): each mixes catalog rows.
SAMPLES = {
    "bug-no-zero-grad-eval-dropout": ["ftproc-06-missing-zero-grad", "ftproc-09-eval-with-dropout-and-grad"],
    "bug-sft-masks": ["ftproc-01-loss-over-prompt-tokens", "ftproc-03-first-eos-masked"],
    "bug-warmup-and-checkpoint": ["ftproc-07-warmup-off-by-one", "ftproc-08-checkpoint-without-optimizer-and-step"],
}
