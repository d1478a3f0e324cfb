"""Torch models and helpers that hidden tests hand to the student's code (07, 08, 11).

Apart from testkit.py so that importing testkit never needs torch. Pickled by reference: the
worker imports this module to rebuild the objects.
"""
from __future__ import annotations

import torch
from torch import nn


class TinyClassifier(nn.Module):
    """The course classifier's call on a tiny model: model(input_ids, attention_mask) -> (B, n_classes).

    Embedding -> dropout -> tanh(linear) per token -> the last real token (right padding) -> head.
    Non-square on purpose (vocab != d_model != d_model + 1 != n_classes). `grad_seen` records
    torch.is_grad_enabled() at every forward (evaluation must run without autograd).
    """

    def __init__(self, vocab=11, d_model=6, n_classes=3, dropout=0.0, seed=0):
        super().__init__()
        generator_state = torch.get_rng_state()
        torch.manual_seed(seed)
        self.emb = nn.Embedding(vocab, d_model)
        self.drop = nn.Dropout(dropout)
        self.mix = nn.Linear(d_model, d_model + 1)
        self.head = nn.Linear(d_model + 1, n_classes)
        torch.set_rng_state(generator_state)  # building a test model leaves the global RNG alone
        self.grad_seen = []

    def forward(self, input_ids, attention_mask):
        self.grad_seen.append(torch.is_grad_enabled())
        h = torch.tanh(self.mix(self.drop(self.emb(input_ids))))
        last = attention_mask.long().sum(dim=1) - 1
        return self.head(h[torch.arange(h.shape[0]), last])

    def snapshot(self):
        """The parameters as a plain dict of tensors (a handle's way to read them back)."""
        return {name: p.detach().clone() for name, p in self.named_parameters()}


class BackwardProbe:
    """A forward hook for a student's module: gradients read back as plain data (07, 08).

    `handle.register_forward_hook(BackwardProbe(cotangent))`, then `handle(x)`: after the forward,
    the hook runs backward from the output with `cotangent` and leaves on the module
    `probe_grads = {"input": grad of the first argument, "<parameter name>": grad, ...}` (None where no
    gradient arrived; the whole dict None when the output does not require grad, e.g. detached).
    Read it with `handle.probe_grads`. A shared parameter (a tied head) appears under each of its names,
    with one gradient: the sum over every use.
    """

    def __init__(self, cotangent):
        self.cotangent = cotangent

    def __call__(self, module, args, output):
        if not (isinstance(output, torch.Tensor) and output.requires_grad):
            module.probe_grads = None
            return
        module.zero_grad(set_to_none=True)
        first = args[0] if args and isinstance(args[0], torch.Tensor) else None
        if first is not None and first.is_leaf and first.requires_grad:
            first.grad = None
        output.backward(self.cotangent.to(output.dtype))
        grads = {"input": None if first is None or first.grad is None else first.grad.detach().clone()}
        for name, parameter in module.named_parameters(remove_duplicate=False):
            grads[name] = None if parameter.grad is None else parameter.grad.detach().clone()
        module.probe_grads = grads


class SGD:
    """SGD with momentum, with the part of torch.optim's interface a training loop uses.

    The same arithmetic as torch.optim.SGD (dampening 0): buf = grad on the first step, then
    buf = momentum · buf + grad; p -= lr · buf. Written out because the first step of any
    torch.optim optimizer imports torch._dynamo (seconds on a loaded 2-core machine), which the
    hidden suite's time budget cannot afford.
    """

    def __init__(self, params, lr, momentum=0.0):
        self.param_groups = [{"params": list(params), "lr": lr, "momentum": momentum}]
        self.state = {}

    def zero_grad(self, set_to_none=True):
        for p in self.param_groups[0]["params"]:
            p.grad = None

    def step(self):
        group = self.param_groups[0]
        with torch.no_grad():
            for index, p in enumerate(group["params"]):
                if p.grad is None:
                    continue
                buf = self.state.get(index)
                buf = p.grad.clone() if buf is None else buf.mul_(group["momentum"]).add_(p.grad)
                self.state[index] = buf
                p.add_(buf, alpha=-group["lr"])

    def state_dict(self):
        return {"state": {i: b.clone() for i, b in self.state.items()},
                "lr": self.param_groups[0]["lr"], "momentum": self.param_groups[0]["momentum"]}

    def load_state_dict(self, state):
        self.state = {int(i): b.clone() for i, b in state["state"].items()}
        self.param_groups[0]["lr"] = state["lr"]
        self.param_groups[0]["momentum"] = state["momentum"]


class StepDecay:
    """lr = base_lr · gamma ** (number of scheduler.step() calls), like torch's StepLR(step_size=1)."""

    def __init__(self, optimizer, gamma):
        self.optimizer = optimizer
        self.gamma = gamma
        self.base_lr = optimizer.param_groups[0]["lr"]
        self.last_epoch = 0

    def step(self):
        self.last_epoch += 1
        self.optimizer.param_groups[0]["lr"] = self.base_lr * self.gamma ** self.last_epoch

    def get_last_lr(self):
        return [self.optimizer.param_groups[0]["lr"]]

    def state_dict(self):
        return {"last_epoch": self.last_epoch, "base_lr": self.base_lr, "gamma": self.gamma}

    def load_state_dict(self, state):
        self.last_epoch, self.base_lr, self.gamma = state["last_epoch"], state["base_lr"], state["gamma"]
