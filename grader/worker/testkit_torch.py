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


# ------------------------------------------------------------------ 02_rnn_lstm


class TinyLSTMLM(nn.Module):
    """The call of 02's CharLSTM on a tiny model: model(ids, state=None) -> (logits (B, T, V), (h, c)).

    Embedding -> nn.LSTM(batch_first) -> Linear; non-square (vocab 7, embedding 5, hidden 4).
    """

    def __init__(self, vocab=7, d_embed=5, d_hidden=4, seed=0):
        super().__init__()
        generator_state = torch.get_rng_state()
        torch.manual_seed(seed)
        self.embed = nn.Embedding(vocab, d_embed)
        self.lstm = nn.LSTM(d_embed, d_hidden, batch_first=True)
        self.head = nn.Linear(d_hidden, vocab)
        torch.set_rng_state(generator_state)

    def forward(self, ids, state=None):
        out, state = self.lstm(self.embed(ids), state)
        return self.head(out), state

    def snapshot(self):
        return {name: p.detach().clone() for name, p in self.named_parameters()}


class FinalHidden(nn.Module):
    """x (B, T, I) -> the last hidden state h_T (B, H) of a torch.nn.RNN or nn.LSTM (batch_first)."""

    def __init__(self, kind, input_size, hidden_size, seed=0, forget_bias=0.0):
        super().__init__()
        generator_state = torch.get_rng_state()
        torch.manual_seed(seed)
        self.layer = {"rnn": nn.RNN, "lstm": nn.LSTM}[kind](input_size, hidden_size, batch_first=True)
        torch.set_rng_state(generator_state)
        if kind == "lstm":
            with torch.no_grad():
                self.layer.bias_ih_l0[hidden_size:2 * hidden_size] += forget_bias

    def forward(self, x):
        out, _ = self.layer(x)
        return out[:, -1]


class GradParams:
    """Parameters that arrive in the worker with their .grad already set (None allowed).

    Iterating gives the parameters; with `one_shot=True` only the first iteration does, like the
    generator `model.parameters()` returns. `grads()` reads the gradients back as plain data.
    """

    def __init__(self, values, grads, one_shot=False):
        self._values = [v.detach().clone() for v in values]
        self._grads = [None if g is None else g.detach().clone() for g in grads]
        self.one_shot = one_shot
        self._build()

    def _build(self):
        self.params = [nn.Parameter(v.clone(), requires_grad=g is not None)
                       for v, g in zip(self._values, self._grads)]
        for p, g in zip(self.params, self._grads):
            p.grad = None if g is None else g.clone()
        self._iterated = False

    def __getstate__(self):
        return {"values": self._values, "grads": self._grads, "one_shot": self.one_shot}

    def __setstate__(self, state):
        self._values, self._grads, self.one_shot = state["values"], state["grads"], state["one_shot"]
        self._build()

    def __iter__(self):
        if self.one_shot and self._iterated:
            return iter(())
        self._iterated = True
        return iter(self.params)

    def grads(self):
        return [None if p.grad is None else p.grad.detach().clone() for p in self.params]


class GradProbe:
    """Gradients of a student's function, computed in the worker with plain autograd (no torch.func,
    whose first use imports torch._dynamo: seconds).

    A test gets a handle to a probe in the worker by sending one through an identity call
    (`student.value("torch").nn.Identity()(GradProbe())`), then calls `probe.vjp(fn, inputs,
    cotangents)` with the student's function as a handle. Returns plain data.
    """

    def vjp(self, fn, inputs, cotangents):
        """(outputs, grads): every floating-point tensor in `inputs` is a leaf; outputs may nest
        tuples and lists; `cotangents` follow the flattened outputs in order. A leaf the outputs do
        not depend on gets a zero gradient."""
        leaves = [t.detach().clone().requires_grad_(True) if torch.is_tensor(t) and t.is_floating_point() else t
                  for t in inputs]
        outputs = fn(*leaves)
        flat = _flatten(outputs)
        if len(flat) != len(cotangents):
            raise ValueError(f"the function returned {len(flat)} tensors, expected {len(cotangents)}")
        pairs = [(o, c) for o, c in zip(flat, cotangents) if torch.is_tensor(o) and o.requires_grad]
        if pairs:
            # A scalar surrogate: backward() with explicit grad tensors imports sympy (seconds).
            sum((o * c.to(o.dtype)).sum() for o, c in pairs).backward()
        grads = [None if not (torch.is_tensor(t) and t.requires_grad)
                 else (t.grad if t.grad is not None else torch.zeros_like(t)) for t in leaves]
        return [o.detach() if torch.is_tensor(o) else o for o in flat], grads


def _flatten(value):
    if isinstance(value, (tuple, list)):
        return [item for part in value for item in _flatten(part)]
    return [value]
