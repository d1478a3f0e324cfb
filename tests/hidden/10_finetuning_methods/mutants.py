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
