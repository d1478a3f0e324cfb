"""Buggy variants of the reference, one per BUG_CATALOG "Fine-tuning techniques" row.

Each entry changes top-level definitions of solutions/10_finetuning_methods.py: a list of (old, new)
edits to the reference definition, or its whole new source.
tests/project/test_hidden_suites.py grades every one and asserts that it loses points.
"""

MUTANTS = {
    "ft-01-lora-scale-alpha-not-alpha-over-r": {
        "LoRALinear": [("self.scaling = alpha / r", "self.scaling = alpha")],
    },
    "ft-02-lora-b-not-zero-init": {
        "LoRALinear": [("self.lora_B = nn.Parameter(torch.zeros(", "self.lora_B = nn.Parameter(torch.randn(")],
    },
    "ft-03-lora-a-zero-too": {
        "LoRALinear": [("nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))", "nn.init.zeros_(self.lora_A)")],
    },
    "ft-04-lora-base-not-frozen": {
        "LoRALinear": [("        self.base.requires_grad_(False)\n", "")],
    },
    "ft-05-lora-dropout-on-output": {
        "LoRALinear": [("out + (self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scaling",
                        "out + self.dropout(x @ self.lora_A.T @ self.lora_B.T) * self.scaling")],
    },
    "ft-06-lora-merge-without-scale": {
        "LoRALinear": [("self.base.weight += self.delta_weight()",
                        "self.base.weight += self.lora_B @ self.lora_A")],
    },
    "ft-07-apply-lora-misses-nested-modules": {
        "apply_lora": [("for name, module in model.named_modules()", "for name, module in model.named_children()")],
    },
    "ft-08-partial-frozen-by-zeroing-grads": {
        "freeze_lower_layers": '''
def freeze_lower_layers(model, n_trainable_blocks):
    blocks = model.gpt.blocks
    keep = [*blocks[len(blocks) - n_trainable_blocks:], model.gpt.ln_f, model.head]
    kept = {id(p) for module in keep for p in module.parameters()}
    for p in model.parameters():
        if id(p) not in kept:
            p.register_hook(torch.zeros_like)
    return model
''',
    },
    "ft-09-partial-head-frozen-and-block-index": {
        "freeze_lower_layers": [("    model.head.requires_grad_(True)\n", ""),
                                ("blocks[len(blocks) - n_trainable_blocks:]", "blocks[-n_trainable_blocks:]")],
    },
    "ft-10-adapter-without-residual": {
        "BottleneckAdapter": [("return x + self.up(F.gelu(self.down(x)))", "return self.up(F.gelu(self.down(x)))")],
    },
    "ft-11-prompt-mask-and-labels-not-extended": {
        "SoftPrompt": [("mask = torch.cat([ones, attention_mask], dim=1)", "mask = attention_mask"),
                       ("labels = torch.cat([ignore, labels], dim=1)", "labels = labels")],
    },
    "ft-12-prompt-not-trainable": {
        "SoftPrompt": [("prompt = self.embedding.weight.to(", "prompt = self.embedding.weight.detach().to(")],
    },
    "ft-01-lora-scale-integer-division": {
        "LoRALinear": [("self.scaling = alpha / r", "self.scaling = alpha // r")],
    },
    "ft-03-lora-a-detached-in-forward": {
        "LoRALinear": [("out + (self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scaling",
                        "out + (self.dropout(x) @ self.lora_A.detach().T @ self.lora_B.T) * self.scaling")],
    },
    "ft-extra-lora-float32-whatever-the-base": {
        "LoRALinear": [("torch.empty(r, base.in_features, dtype=weight.dtype, device=weight.device)",
                        "torch.empty(r, base.in_features)"),
                       ("torch.zeros(base.out_features, r, dtype=weight.dtype, device=weight.device)",
                        "torch.zeros(base.out_features, r)")],
    },
    "ft-07-apply-lora-suffix-without-the-dot": {
        "apply_lora": [('any(name == t or name.endswith("." + t) for t in target_modules)',
                        "any(name.endswith(t) for t in target_modules)")],
    },
    "ft-07-apply-lora-any-module-type": {
        "apply_lora": [("               if isinstance(module, nn.Linear)\n               and any(",
                        "               if any(")],
    },
    "ft-13-text-init-not-cycled": {
        "SoftPrompt": [("repeated = (ids * math.ceil(self.n_virtual / len(ids)))[: self.n_virtual]",
                        "repeated = (ids + [ids[-1]] * self.n_virtual)[: self.n_virtual]")],
    },
}

SAMPLES = {
    "bug-lora-scale-and-merge": ["ft-01-lora-scale-alpha-not-alpha-over-r", "ft-06-lora-merge-without-scale"],
    "bug-frozen-by-zero-grad": ["ft-08-partial-frozen-by-zeroing-grads"],
    "bug-adapter-and-prompt-mask": ["ft-10-adapter-without-residual", "ft-11-prompt-mask-and-labels-not-extended"],
}

# Correct solutions written differently (tests/project/test_hidden_suites.py: each keeps 100 points).
ALTERNATIVES = {
    # LoRA with einsum, A drawn as U(-1/sqrt(in), 1/sqrt(in)) directly (what kaiming_uniform_(a=sqrt 5)
    # draws), merge through .data; apply_lora by recursion over named_children; freezing by names.
    "alt-einsum-lora-and-recursive-apply": {
        "LoRALinear": '''
class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha, dropout=0.0):
        super().__init__()
        for p in base.parameters():
            p.requires_grad = False
        self.base = base
        self.scaling = alpha / r
        w = base.weight
        bound = 1 / math.sqrt(base.in_features)
        self.lora_A = nn.Parameter(
            torch.empty(r, base.in_features, dtype=w.dtype, device=w.device).uniform_(-bound, bound))
        self.lora_B = nn.Parameter(w.new_zeros(base.out_features, r))
        self.dropout = nn.Dropout(p=dropout)
        self.merged = False

    def delta_weight(self):
        return torch.einsum("or,ri->oi", self.lora_B, self.lora_A) * self.scaling

    def forward(self, x):
        if self.merged:
            return self.base(x)
        h = torch.einsum("...i,ri->...r", self.dropout(x), self.lora_A)
        return self.base(x) + self.scaling * torch.einsum("...r,or->...o", h, self.lora_B)

    def merge(self):
        if not self.merged:
            self.base.weight.data += self.delta_weight().detach()
            self.merged = True

    def unmerge(self):
        if self.merged:
            self.base.weight.data -= self.delta_weight().detach()
            self.merged = False
''',
        "apply_lora": '''
def apply_lora(model, target_modules, r, alpha, dropout=0.0):
    for p in model.parameters():
        p.requires_grad_(False)

    def wrap(module, prefix):
        for name, child in list(module.named_children()):
            full = f"{prefix}.{name}" if prefix else name
            if isinstance(child, nn.Linear) and any(full == t or full.endswith("." + t) for t in target_modules):
                setattr(module, name, LoRALinear(child, r, alpha, dropout))
            else:
                wrap(child, full)

    wrap(model, "")
    return model
''',
        "count_trainable_parameters": '''
def count_trainable_parameters(model):
    unique = {id(p): p for _, p in model.named_parameters()}
    return sum(p.numel() for p in unique.values() if p.requires_grad)
''',
        "freeze_lower_layers": '''
def freeze_lower_layers(model, n_trainable_blocks):
    n_layers = len(model.gpt.blocks)
    keep = tuple(f"gpt.blocks.{i}." for i in range(n_layers - n_trainable_blocks, n_layers)) + ("gpt.ln_f.", "head.")
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith(keep)
    return model
''',
    },
    # PEFT-style prompt tuning (a float32 prefix mask, prompt looked up by index and repeated), text
    # initialisation by modular indexing into a new Parameter, the adapter's GELU written with erf.
    "alt-peft-style-soft-prompt-and-erf-adapter": {
        "SoftPrompt": '''
class SoftPrompt(nn.Module):
    def __init__(self, n_virtual, d_model):
        super().__init__()
        self.n_virtual = n_virtual
        self.embedding = nn.Embedding(n_virtual, d_model)

    def forward(self, input_embeds, attention_mask, labels=None):
        batch = input_embeds.size(0)
        index = torch.arange(self.n_virtual, device=input_embeds.device)
        prompt = self.embedding(index).to(input_embeds.dtype).unsqueeze(0).repeat(batch, 1, 1)
        prefix_mask = torch.ones(batch, self.n_virtual).to(attention_mask.device)
        mask = torch.cat((prefix_mask, attention_mask), dim=1)
        if labels is not None:
            prefix_labels = torch.full((batch, self.n_virtual), -100, device=labels.device)
            labels = torch.cat((prefix_labels, labels), dim=1)
        return torch.cat((prompt, input_embeds), dim=1), mask, labels

    def init_from_text(self, token_ids, embedding):
        ids = [token_ids[i % len(token_ids)] for i in range(self.n_virtual)]
        self.embedding.weight = nn.Parameter(embedding.weight.detach()[torch.tensor(ids)].clone())
        return self
''',
        "BottleneckAdapter": '''
class BottleneckAdapter(nn.Module):
    def __init__(self, d_model, bottleneck):
        super().__init__()
        self.down = nn.Linear(d_model, bottleneck)
        self.up = nn.Linear(bottleneck, d_model)
        with torch.no_grad():
            self.up.weight.zero_()
            self.up.bias.zero_()

    def forward(self, x):
        h = self.down(x)
        h = 0.5 * h * (1 + torch.erf(h / math.sqrt(2)))
        return x + self.up(h)
''',
    },
}
