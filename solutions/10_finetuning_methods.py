"""10. 파인 튜닝 기법 — 참고 답안.

(graded API: CURRICULUM.md "The APIs of 05, 07 and 10"; written by the 10_finetuning_methods author)
Graded: LoRALinear, apply_lora, BottleneckAdapter, SoftPrompt (with init_from_text),
count_trainable_parameters, freeze_lower_layers (added for partial fine-tuning, BUG_CATALOG rows 8-9).
Given code (support cells of the notebook, shared with benchmarks/bench_10_methods.py): GPTClassifier,
trainable_parameter_names, train_steps, add_adapters, PromptTunedClassifier, encode_texts,
split_indices, METHODS, setup_method, training_state_bytes, SavedActivations, evaluate_accuracy,
run_method.
"""
from __future__ import annotations

import copy
import math
import time

import torch
from torch import nn
from torch.nn import functional as F

from grader.assignments import load_solution

# Given code: 08's MiniGPT (with 07's attention inside). The notebook's support cells copy it whole;
# here it is loaded from solutions/08 so the hidden suite finds it in the reference's namespace too.
MiniGPT = load_solution("08_transformer_block").MiniGPT


# ----------------------------------------------------------------------------- graded

def count_trainable_parameters(model):
    """학습되는(requires_grad=True) 파라미터 원소의 개수.

    공유된 파라미터(예: 묶인 임베딩)는 한 번만 셉니다 — `model.parameters()`가 이미 중복을 뺍니다.
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def freeze_lower_layers(model, n_trainable_blocks):
    """부분 파인 튜닝: GPTClassifier의 위쪽 `n_trainable_blocks`개 블록만 학습하고 아래는 얼립니다.

    얼림 = `requires_grad=False` (기울기를 0으로 만드는 것이 아닙니다: AdamW의 가중치 감쇠는
    기울기가 0이어도 파라미터를 움직입니다. 기울기가 None인 파라미터만 옵티마이저가 건너뜁니다).
    학습: 위쪽 블록 `gpt.blocks[L - n:]`, 마지막 LayerNorm `gpt.ln_f`, 분류 헤드 `head`.
    얼림: 토큰·위치 임베딩과 아래쪽 블록 `gpt.blocks[:L - n]`. n = 0이면 헤드와 ln_f만 학습합니다.
    모델을 그대로 돌려줍니다.
    """
    model.requires_grad_(False)
    blocks = model.gpt.blocks
    for block in blocks[len(blocks) - n_trainable_blocks:]:
        block.requires_grad_(True)
    model.gpt.ln_f.requires_grad_(True)
    model.head.requires_grad_(True)
    return model


class LoRALinear(nn.Module):
    """LoRA로 감싼 선형층: y = base(x) + (dropout(x) A^T B^T) · (alpha / r).

    base: 얼려 둔 nn.Linear (W: (out, in)), lora_A: (r, in) Kaiming 균등 초기화 (PEFT와 같이
    a = √5, 즉 U(-1/√in, 1/√in)), lora_B: (out, r) 0으로 초기화 → 처음에는 base와 똑같은 출력.
    scaling = alpha / r. 학습되는 원소 수 = r · (in + out).
    merge(): W ← W + (B A) · scaling 으로 접어 넣어 추론 때 추가 계산이 없게 합니다 (두 번 해도 한 번).
    unmerge(): W ← W − (B A) · scaling 으로 되돌립니다. `merged`는 지금 어느 상태인지 알려 줍니다.
    """

    def __init__(self, base, r, alpha, dropout=0.0):
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)
        self.r = r
        self.alpha = alpha
        self.scaling = alpha / r
        weight = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=weight.dtype, device=weight.device))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=weight.dtype, device=weight.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.dropout = nn.Dropout(dropout)
        self.merged = False

    def delta_weight(self):
        """ΔW = (B A) · scaling, 모양 (out, in)."""
        return (self.lora_B @ self.lora_A) * self.scaling

    def forward(self, x):
        """base(x) + (dropout(x) @ Aᵀ @ Bᵀ) · scaling. 합쳐 둔 상태(merged)면 base(x)만."""
        out = self.base(x)
        if self.merged:
            return out
        return out + (self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scaling

    def merge(self):
        """W ← W + delta_weight(). 이미 합쳤으면 아무것도 하지 않습니다."""
        if not self.merged:
            with torch.no_grad():
                self.base.weight += self.delta_weight()
            self.merged = True

    def unmerge(self):
        """W ← W − delta_weight(). 합치지 않은 상태면 아무것도 하지 않습니다."""
        if self.merged:
            with torch.no_grad():
                self.base.weight -= self.delta_weight()
            self.merged = False


def apply_lora(model, target_modules, r, alpha, dropout=0.0):
    """이름이 `target_modules` 가운데 하나로 끝나는 모든 nn.Linear를 LoRALinear(그 층, r, alpha, dropout)로 바꿉니다.

    "끝난다" = 전체 이름(`blocks.0.attn.q_proj`)이 그 이름과 같거나 "." + 그 이름으로 끝남.
    중첩된 모듈까지 모두 찾고(named_modules), 바꾸기 전에 목록을 먼저 만들어 새로 생긴
    LoRALinear 안의 base를 다시 감싸지 않습니다. 그 밖의 모든 파라미터는 얼립니다
    (새로 붙인 분류 헤드를 학습하려면 따로 풀어야 합니다). 모델을 그대로 돌려줍니다.
    """
    model.requires_grad_(False)
    targets = [name for name, module in model.named_modules()
               if isinstance(module, nn.Linear)
               and any(name == t or name.endswith("." + t) for t in target_modules)]
    for name in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha, dropout))
    return model


class BottleneckAdapter(nn.Module):
    """병목 어댑터: y = x + up(gelu(down(x))).

    down: nn.Linear(d_model, bottleneck), up: nn.Linear(bottleneck, d_model).
    up의 가중치와 편향을 0으로 초기화하므로 처음에는 항등 함수(y = x)입니다: 끼워 넣어도 사전 학습
    모델의 출력이 그대로이고, 학습하면서 잔차(residual)에 작은 보정만 더합니다.
    """

    def __init__(self, d_model, bottleneck):
        super().__init__()
        self.down = nn.Linear(d_model, bottleneck)
        self.up = nn.Linear(bottleneck, d_model)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x):
        """x + up(gelu(down(x))), 모양 그대로 (..., d_model)."""
        return x + self.up(F.gelu(self.down(x)))


class SoftPrompt(nn.Module):
    """프롬프트 튜닝의 학습되는 가상 토큰 n_virtual개 (`embedding`: nn.Embedding(n_virtual, d_model)).

    forward(input_embeds (B, T, d), attention_mask (B, T), labels (B, T) 또는 None)
      → (cat[P, input_embeds] (B, n+T, d), cat[1…1, mask] (B, n+T), cat[-100…-100, labels] (B, n+T)).
    가상 토큰도 어텐션이 봐야 하므로 마스크는 1로, 가상 토큰 위치에는 정답이 없으므로 레이블은 -100
    (손실에서 빠짐)으로 늘립니다. labels가 None이면 None을 돌려줍니다. P는 input_embeds의 dtype으로 바꿔 붙입니다
    (float16 입력이면 float16 임베딩).
    """

    def __init__(self, n_virtual, d_model):
        super().__init__()
        self.n_virtual = n_virtual
        self.embedding = nn.Embedding(n_virtual, d_model)

    def forward(self, input_embeds, attention_mask, labels=None):
        """→ (embeds (B, n+T, d), mask (B, n+T), labels (B, n+T) 또는 None)."""
        batch = input_embeds.shape[0]
        prompt = self.embedding.weight.to(input_embeds.dtype).unsqueeze(0).expand(batch, -1, -1)
        embeds = torch.cat([prompt, input_embeds], dim=1)
        ones = torch.ones(batch, self.n_virtual, dtype=attention_mask.dtype, device=attention_mask.device)
        mask = torch.cat([ones, attention_mask], dim=1)
        if labels is not None:
            ignore = torch.full((batch, self.n_virtual), -100, dtype=labels.dtype, device=labels.device)
            labels = torch.cat([ignore, labels], dim=1)
        return embeds, mask, labels

    def init_from_text(self, token_ids, embedding):
        """가상 토큰을 글(토큰 id 목록)의 임베딩으로 초기화합니다 (PEFT의 TEXT 초기화).

        id가 n_virtual보다 적으면 처음부터 되풀이하고(3개, n=7 → a b c a b c a), 많으면 앞의
        n_virtual개만 씁니다. embedding: 모델의 토큰 임베딩(nn.Embedding). 값만 복사하고 그
        임베딩과 연결하지 않습니다. self를 돌려줍니다.
        """
        ids = list(token_ids)
        repeated = (ids * math.ceil(self.n_virtual / len(ids)))[: self.n_virtual]
        with torch.no_grad():
            vectors = embedding(torch.tensor(repeated, device=embedding.weight.device))
            self.embedding.weight.copy_(vectors)
        return self


# ----------------------------------------------------------------------------- given code

class GPTClassifier(nn.Module):
    """과정의 작은 GPT(08의 MiniGPT) 위에 분류 헤드를 얹은 모델 (주어진 코드).

    h = ln_f(blocks(tok_emb(ids) + pos_emb(0..T-1)))             (B, T, d_model)
    logits = head(h[b, last_b]),  last_b = 패딩이 아닌 마지막 위치  (B, n_classes)
    GPT는 인과 마스크를 쓰므로 오른쪽 패딩은 실제 토큰에 영향을 주지 않습니다: 마지막 실제 토큰의
    은닉 상태가 문장 전체를 본 유일한 위치입니다. `inputs_embeds`를 주면 토큰 임베딩 대신 그것을
    씁니다 (소프트 프롬프트를 앞에 붙인 입력).
    """

    def __init__(self, gpt, n_classes):
        super().__init__()
        self.gpt = gpt
        self.head = nn.Linear(gpt.tok_emb.embedding_dim, n_classes)

    def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None):
        x = self.gpt.tok_emb(input_ids) if inputs_embeds is None else inputs_embeds
        batch, length = x.shape[:2]
        x = x + self.gpt.pos_emb(torch.arange(length, device=x.device))
        for block in self.gpt.blocks:
            x = block(x)
        hidden = self.gpt.ln_f(x)
        if attention_mask is None:
            last = torch.full((batch,), length - 1, device=x.device)
        else:
            last = attention_mask.long().sum(dim=1) - 1
        return self.head(hidden[torch.arange(batch, device=x.device), last])


def trainable_parameter_names(model):
    """학습되는 파라미터의 이름 목록 (정렬)."""
    return sorted(name for name, p in model.named_parameters() if p.requires_grad)


def train_steps(model, inputs, labels, steps, lr, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-8):
    """같은 배치로 AdamW를 `steps`번: loss = cross_entropy(model(*inputs), labels). 손실 목록을 돌려줍니다.

    torch.optim.AdamW와 같은 식을 직접 적었습니다 (t = 걸음 번호, g = 기울기):
      θ ← θ·(1 − lr·λ)                       (가중치 감쇠: 기울기와 상관없이 적용)
      m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
      θ ← θ − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
    모든 파라미터를 돌지만, 기울기가 None인(얼린, requires_grad=False) 파라미터는 건너뜁니다.
    """
    params = list(model.parameters())
    first = [torch.zeros_like(p) for p in params]
    second = [torch.zeros_like(p) for p in params]
    beta1, beta2 = betas
    model.train()
    losses = []
    for step in range(1, steps + 1):
        model.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(*inputs), labels)
        loss.backward()
        with torch.no_grad():
            for p, m, v in zip(params, first, second):
                if p.grad is None:
                    continue
                p.mul_(1 - lr * weight_decay)
                m.mul_(beta1).add_(p.grad, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                denominator = (v / (1 - beta2 ** step)).sqrt() + eps
                p.sub_(lr * (m / (1 - beta1 ** step)) / denominator)
        losses.append(loss.item())
    return losses


def add_adapters(classifier, bottleneck):
    """GPTClassifier의 블록마다 뒤에 BottleneckAdapter를 붙이고, 어댑터와 헤드만 학습하게 합니다."""
    classifier.requires_grad_(False)
    d_model = classifier.gpt.tok_emb.embedding_dim
    classifier.gpt.blocks = nn.ModuleList(nn.Sequential(block, BottleneckAdapter(d_model, bottleneck))
                                          for block in classifier.gpt.blocks)
    for block in classifier.gpt.blocks:
        block[1].requires_grad_(True)
    classifier.head.requires_grad_(True)
    return classifier


class PromptTunedClassifier(nn.Module):
    """GPTClassifier 앞에 SoftPrompt를 붙인 모델: 소프트 프롬프트와 분류 헤드만 학습합니다.

    forward(input_ids, attention_mask) = classifier(inputs_embeds=P ⊕ tok_emb(ids), mask=1…1 ⊕ mask).
    """

    def __init__(self, classifier, soft_prompt):
        super().__init__()
        self.classifier = classifier
        self.soft_prompt = soft_prompt
        classifier.requires_grad_(False)
        classifier.head.requires_grad_(True)

    def forward(self, input_ids, attention_mask):
        embeds = self.classifier.gpt.tok_emb(input_ids)
        embeds, mask, _ = self.soft_prompt(embeds, attention_mask)
        return self.classifier(inputs_embeds=embeds, attention_mask=mask)


def encode_texts(tokenizer, texts, max_len, eot_id, pad_id=0):
    """글 → (ids (N, max_len), mask (N, max_len)): 앞의 max_len-1 토큰 + 끝 토큰, 오른쪽 패딩."""
    ids = torch.full((len(texts), max_len), pad_id, dtype=torch.long)
    mask = torch.zeros(len(texts), max_len, dtype=torch.long)
    for row, text in enumerate(texts):
        tokens = tokenizer.encode(text[: 4 * max_len])[: max_len - 1] + [eot_id]
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = 1
    return ids, mask


def split_indices(n, n_test, seed=0):
    """0..n-1을 섞어 (train, test) 인덱스로 나눕니다 (시드 고정)."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[n_test:], order[:n_test]


METHODS = {  # method → learning rate (AdamW), chosen on this task; the rest is shared
    "full": 5e-4, "partial": 1e-3, "adapter": 3e-3, "prompt": 3e-2, "lora": 3e-3}


def setup_method(method, gpt, n_classes, *, prompt_ids=None, seed=0):
    """사전 학습 GPT(복사본)로 방법별 모델을 만듭니다: full / partial / adapter / prompt / lora."""
    torch.manual_seed(seed)
    classifier = GPTClassifier(gpt, n_classes)
    if method == "full":
        return classifier
    if method == "partial":
        return freeze_lower_layers(classifier, 1)
    if method == "adapter":
        return add_adapters(classifier, 16)
    if method == "prompt":
        prompt = SoftPrompt(8, gpt.tok_emb.embedding_dim)
        if prompt_ids is not None:
            prompt.init_from_text(prompt_ids, gpt.tok_emb)
        return PromptTunedClassifier(classifier, prompt)
    if method == "lora":
        apply_lora(classifier, ["q_proj", "v_proj"], r=8, alpha=16)
        classifier.head.requires_grad_(True)
        return classifier
    raise ValueError(f"모르는 방법: {method}")


def training_state_bytes(model):
    """학습 상태의 크기(계산): 모든 파라미터 + 학습되는 파라미터의 기울기와 AdamW 상태 두 개."""
    total = sum(p.numel() * p.element_size() for p in model.parameters())
    trainable = sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad)
    return total + 3 * trainable


class SavedActivations:
    """with 블록(순전파 한 번) 동안 역전파를 위해 저장된 활성값의 바이트 수를 잽니다.

    torch.autograd.graph.saved_tensors_hooks로 autograd가 저장하는 텐서를 모두 봅니다. 같은 저장 공간은
    한 번만, 모델의 파라미터(학습 상태에 이미 셈)는 빼고 셉니다. peak: 지금까지 순전파 한 번의 최대값.
    """

    def __init__(self, model):
        self._params = {p.untyped_storage().data_ptr() for p in model.parameters()}
        self.peak = 0

    def __enter__(self):
        self._seen = {}
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, lambda t: t)
        self._hooks.__enter__()
        return self

    def _pack(self, tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in self._params:
            self._seen[storage.data_ptr()] = storage.nbytes()
        return tensor

    def __exit__(self, *exc):
        self._hooks.__exit__(*exc)
        self.peak = max(self.peak, sum(self._seen.values()))
        return False


def evaluate_accuracy(model, ids, mask, labels, batch_size=256):
    """정확도. 길이순으로 묶어 배치마다 오른쪽 패딩 열을 잘라 냅니다 (결과는 같고 더 빠름)."""
    model.eval()
    order = mask.sum(dim=1).argsort()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(ids), batch_size):
            batch = order[start:start + batch_size]
            width = int(mask[batch].sum(dim=1).max())
            logits = model(ids[batch, :width], mask[batch, :width])
            correct += (logits.argmax(-1) == labels[batch]).sum().item()
    return correct / len(ids)


def run_method(method, gpt, data, *, n_train=None, steps=60, batch_size=32, prompt_ids=None, seed=0):
    """한 방법을 학습·평가하고 표의 한 줄(dict)을 돌려줍니다.

    data: dict(train=(ids, mask, labels), test=(ids, mask, labels), n_classes).
    n_train: 앞의 n_train개 학습 예제만 씀 (적은 레이블 실험). gpt는 복사해서 씁니다.
    """
    model = setup_method(method, copy.deepcopy(gpt), data["n_classes"], prompt_ids=prompt_ids, seed=seed)
    ids, mask, labels = (t[:n_train] for t in data["train"]) if n_train else data["train"]
    trainable = count_trainable_parameters(model)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                  lr=METHODS[method], weight_decay=0.01)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    start, cpu_start = time.perf_counter(), time.process_time()
    activations = SavedActivations(model)
    for _ in range(steps):
        batch = torch.randint(len(ids), (batch_size,), generator=generator)
        width = int(mask[batch].sum(dim=1).max())  # 오른쪽 패딩 열은 잘라 내도 결과가 같습니다
        with activations:
            logits = model(ids[batch, :width], mask[batch, :width])
            loss = F.cross_entropy(logits, labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return {"method": method, "n_train": len(ids), "trainable": trainable,
            "seconds": seconds, "cpu_seconds": cpu_seconds, "state_mb": training_state_bytes(model) / 2**20,
            "activation_mb": activations.peak / 2**20,
            "accuracy": evaluate_accuracy(model, *data["test"])}
