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
}

# Realistic buggy submissions for the demo (grader.samples): each mixes catalog rows.
SAMPLES = {
    "bug-no-zero-grad-eval-dropout": ["ftproc-06-missing-zero-grad", "ftproc-09-eval-with-dropout-and-grad"],
    "bug-sft-masks": ["ftproc-01-loss-over-prompt-tokens", "ftproc-03-first-eos-masked"],
    "bug-warmup-and-checkpoint": ["ftproc-07-warmup-off-by-one", "ftproc-08-checkpoint-without-optimizer-and-step"],
}
