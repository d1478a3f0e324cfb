"""The small classifier that test_freeze and test_soft_prompt build (not a test file: loaded by path).

Built inside the worker from the notebook's given code (08's MiniGPT, GPTClassifier); shape hygiene:
vocabulary 13, context 11, d_model 8, 3 blocks, batch 3, length 5, 3 classes.
"""
import torch

from grader.assignments import load_solution

VOCAB, N_CTX, D_MODEL, N_LAYERS, N_HEADS, D_FF, N_CLASSES = 13, 11, 8, 3, 2, 12, 3


def worker_classifier(student):
    """The student's GPTClassifier around a MiniGPT (both given code in the notebook)."""
    gpt = student.MiniGPT(VOCAB, N_CTX, D_MODEL, N_LAYERS, N_HEADS, D_FF)
    return student.GPTClassifier(gpt, N_CLASSES)


def host_classifier():
    """The same architecture on the grader's side (for parameter names only)."""
    gpt = load_solution("08_transformer_block").MiniGPT(VOCAB, N_CTX, D_MODEL, N_LAYERS, N_HEADS, D_FF)
    return load_solution("10_finetuning_methods").GPTClassifier(gpt, N_CLASSES)


def classification_batch(rng):
    ids = torch.as_tensor(rng.integers(0, VOCAB, (3, 5)))
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 0]])
    labels = torch.as_tensor(rng.integers(0, N_CLASSES, 3))
    return ids, mask, labels
