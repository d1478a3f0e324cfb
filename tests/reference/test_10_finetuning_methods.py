"""The 10 reference against PEFT 0.21 (a test-only dependency) on the same small models and weights.

- LoRALinear / apply_lora vs `peft.inject_adapter_in_model` with a LoraConfig: the same layers
  wrapped, identical outputs with the same A and B, identical merged weights, unmerge restores W,
  and lora_A initialised from PEFT's distribution (Kaiming uniform, a = √5: U(-1/√in, 1/√in)).
- SoftPrompt.init_from_text vs PEFT's PromptEmbedding with TEXT init (a local word-level tokenizer):
  the same cycled / truncated ids, the same vectors; the forward prepends exactly those vectors.
- gradients of A and B equal PEFT's with alpha / r = 1.5; a float64 model keeps float64 adapters.
- BottleneckAdapter is the identity at init; freeze_lower_layers leaves frozen weights bitwise alone
  under torch.optim.AdamW with weight decay; the experiment's helpers run on a small GPT.
"""
import math

import peft
import pytest
import torch
from torch import nn

from grader.assignments import load_solution

ref = load_solution("10_finetuning_methods")
MiniGPT = load_solution("08_transformer_block").MiniGPT


class Toy(nn.Module):
    """Non-square layers, nested: blocks.i.{q_proj 6→4, v_proj 6→5, out 5→6}, head 6→3."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList(nn.ModuleDict({"q_proj": nn.Linear(6, 4), "v_proj": nn.Linear(6, 5),
                                                   "out": nn.Linear(5, 6)}) for _ in range(2))
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        for block in self.blocks:
            x = x + block["out"](torch.tanh(block["v_proj"](x))) + block["q_proj"](x).sum(-1, keepdim=True)
        return self.head(x)


def _pair(r=2, alpha=6, targets=("q_proj", "v_proj")):
    torch.manual_seed(0)
    ours = Toy()
    theirs = Toy()
    theirs.load_state_dict(ours.state_dict())
    ref.apply_lora(ours, list(targets), r, alpha)
    config = peft.LoraConfig(r=r, lora_alpha=alpha, target_modules=list(targets), lora_dropout=0.0)
    theirs = peft.inject_adapter_in_model(config, theirs)
    generator = torch.Generator().manual_seed(1)
    for name, module in ours.named_modules():
        if isinstance(module, ref.LoRALinear):
            a = torch.randn(module.lora_A.shape, generator=generator)
            b = torch.randn(module.lora_B.shape, generator=generator)
            peft_layer = theirs.get_submodule(name)
            with torch.no_grad():
                module.lora_A.copy_(a)
                module.lora_B.copy_(b)
                peft_layer.lora_A["default"].weight.copy_(a)
                peft_layer.lora_B["default"].weight.copy_(b)
    return ours, theirs


def test_same_layers_wrapped_and_same_trainable_names():
    ours, theirs = _pair()
    wrapped = {n for n, m in ours.named_modules() if isinstance(m, ref.LoRALinear)}
    peft_wrapped = {n for n, m in theirs.named_modules() if hasattr(m, "lora_A") and hasattr(m, "base_layer")}
    assert wrapped == peft_wrapped == {"blocks.0.q_proj", "blocks.0.v_proj", "blocks.1.q_proj", "blocks.1.v_proj"}
    ours_trainable = {n.replace(".lora_A", "").replace(".lora_B", "") for n in ref.trainable_parameter_names(ours)}
    theirs_trainable = {n.split(".lora_")[0] for n, p in theirs.named_parameters() if p.requires_grad}
    assert ours_trainable == theirs_trainable == wrapped
    assert ref.count_trainable_parameters(ours) == sum(p.numel() for p in theirs.parameters() if p.requires_grad)


def test_outputs_merge_and_unmerge_match_peft():
    ours, theirs = _pair()
    x = torch.randn(7, 6, generator=torch.Generator().manual_seed(2))
    torch.testing.assert_close(ours(x), theirs(x), atol=1e-5, rtol=1e-5)
    w0 = ours.blocks[1]["v_proj"].base.weight.detach().clone()
    for name, module in ours.named_modules():
        if isinstance(module, ref.LoRALinear):
            module.merge()
            module.merge()  # a second merge is a no-op
            peft_layer = theirs.get_submodule(name)
            peft_layer.merge()
            torch.testing.assert_close(module.base.weight, peft_layer.base_layer.weight, atol=1e-6, rtol=1e-6)
            assert module.merged and peft_layer.merged
    torch.testing.assert_close(ours(x), theirs(x), atol=1e-5, rtol=1e-5)
    for module in ours.modules():
        if isinstance(module, ref.LoRALinear):
            module.unmerge()
    torch.testing.assert_close(ours.blocks[1]["v_proj"].base.weight, w0, atol=1e-6, rtol=0)


def test_gradients_match_peft_when_alpha_is_not_a_multiple_of_r():
    ours, theirs = _pair(r=4, alpha=6)  # scaling 1.5: integer division would give 1
    x = torch.randn(5, 6, generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(ours(x), theirs(x), atol=1e-5, rtol=1e-5)
    ours(x).square().sum().backward()
    theirs(x).square().sum().backward()
    for name, module in ours.named_modules():
        if isinstance(module, ref.LoRALinear):
            peft_layer = theirs.get_submodule(name)
            assert module.scaling == peft_layer.scaling["default"] == 1.5
            torch.testing.assert_close(module.lora_A.grad, peft_layer.lora_A["default"].weight.grad)
            torch.testing.assert_close(module.lora_B.grad, peft_layer.lora_B["default"].weight.grad)


def test_float64_model_stays_float64_as_peft():
    torch.manual_seed(6)
    ours, theirs = Toy().double(), Toy().double()
    theirs.load_state_dict(ours.state_dict())
    ref.apply_lora(ours, ["q_proj", "v_proj"], 4, 6)
    theirs = peft.inject_adapter_in_model(peft.LoraConfig(r=4, lora_alpha=6, target_modules=["q_proj", "v_proj"]),
                                          theirs)
    x = torch.randn(3, 6, dtype=torch.float64)
    assert {p.dtype for p in ours.parameters()} == {p.dtype for p in theirs.parameters()} == {torch.float64}
    assert ours(x).dtype == theirs(x).dtype == torch.float64
    torch.testing.assert_close(ours(x), theirs(x))  # B = 0 in both: the base model's output


def test_dropout_on_the_input_of_a_as_peft():
    ours, theirs = _pair(targets=("q_proj",))
    ours.blocks[0]["q_proj"].dropout.p = 0.5
    config = peft.LoraConfig(r=2, lora_alpha=6, target_modules=["q_proj"], lora_dropout=0.5)
    assert config.lora_dropout == ours.blocks[0]["q_proj"].dropout.p
    layer, peft_layer = ours.blocks[0]["q_proj"], theirs.get_submodule("blocks.0.q_proj")
    peft_layer.lora_dropout["default"] = nn.Dropout(0.5)
    layer.train(), peft_layer.train()
    x = torch.randn(9, 6)
    torch.manual_seed(3)
    got = layer(x)
    torch.manual_seed(3)
    torch.testing.assert_close(got, peft_layer(x), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("n_in, n_out, r", [(64, 32, 8), (128, 128, 16)])
def test_lora_a_init_matches_peft_distribution(n_in, n_out, r):
    torch.manual_seed(4)
    ours = torch.cat([ref.LoRALinear(nn.Linear(n_in, n_out), r, r).lora_A.detach().ravel() for _ in range(8)])
    samples = []
    for _ in range(8):
        config = peft.LoraConfig(r=r, lora_alpha=r, target_modules=["q_proj"])
        injected = peft.inject_adapter_in_model(config, _named("q_proj", n_in, n_out))
        samples.append(injected.q_proj.lora_A["default"].weight.detach().ravel())
    theirs = torch.cat(samples)
    bound = 1 / math.sqrt(n_in)
    assert ours.abs().max() <= bound and theirs.abs().max() <= bound
    # Two-sample Kolmogorov–Smirnov distance, with a loose critical value (alpha ~ 1e-4).
    grid = torch.linspace(-bound, bound, 201)
    ecdf = lambda v: (v.unsqueeze(0) <= grid.unsqueeze(1)).float().mean(1)  # noqa: E731
    distance = (ecdf(ours) - ecdf(theirs)).abs().max().item()
    n = len(ours)
    assert distance < 2.2 * math.sqrt(2 / n), distance
    torch.testing.assert_close(ours.std(), theirs.std(), atol=0.05 * bound, rtol=0)
    assert abs(ours.std().item() - bound / math.sqrt(3)) < 0.05 * bound  # uniform: std = bound / √3


def _named(name, n_in, n_out):
    module = nn.Module()
    setattr(module, name, nn.Linear(n_in, n_out))
    return module


@pytest.fixture(scope="module")
def word_tokenizer(tmp_path_factory):
    import tokenizers
    import transformers  # with peft (dev extra); imported here: it is slow to import
    vocab = {w: i for i, w in enumerate(["<unk>", "이", "문단은", "계산", "문서", "도움말", "입니다", "표", "그림"])}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    folder = tmp_path_factory.mktemp("word_tokenizer")
    transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>").save_pretrained(folder)
    return folder


@pytest.mark.parametrize("text, n_virtual", [("계산 문서 표", 7), ("이 문단은 계산 문서 도움말 입니다", 4),
                                             ("그림", 3), ("이 문단은 표", 3)])
def test_text_init_matches_peft_prompt_embedding(word_tokenizer, text, n_virtual):
    from peft.tuners.prompt_tuning.model import PromptEmbedding
    from transformers import AutoTokenizer

    torch.manual_seed(5)
    words = nn.Embedding(9, 6)
    config = peft.PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=n_virtual, token_dim=6,
                                     num_transformer_submodules=1, prompt_tuning_init="TEXT",
                                     prompt_tuning_init_text=text, tokenizer_name_or_path=str(word_tokenizer))
    theirs = PromptEmbedding(config, words)
    ids = AutoTokenizer.from_pretrained(str(word_tokenizer))(text)["input_ids"]
    ours = ref.SoftPrompt(n_virtual, 6).init_from_text(ids, words)
    torch.testing.assert_close(ours.embedding.weight, theirs.embedding.weight, atol=0, rtol=0)
    # the forward prepends exactly PEFT's prompt vectors (PeftModel concatenates them in front too)
    embeds, mask, labels = ours(torch.zeros(2, 3, 6), torch.ones(2, 3), torch.zeros(2, 3, dtype=torch.long))
    prompts = theirs(torch.arange(n_virtual).unsqueeze(0).expand(2, -1))
    torch.testing.assert_close(embeds[:, :n_virtual], prompts)
    assert mask[:, :n_virtual].eq(1).all() and labels[:, :n_virtual].eq(-100).all()


def test_adapter_identity_and_frozen_weights_under_torch_adamw():
    torch.manual_seed(6)
    x = torch.randn(2, 5, 8)
    assert torch.equal(ref.BottleneckAdapter(8, 3)(x), x)
    model = ref.freeze_lower_layers(ref.GPTClassifier(MiniGPT(13, 11, 8, 3, 2, 12), 3), 1)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.1)
    ids, mask = torch.randint(0, 13, (3, 5)), torch.ones(3, 5)
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(ids, mask), torch.tensor([0, 1, 2])).backward()
        optimizer.step()
    trainable = set(ref.trainable_parameter_names(model))
    for name, p in model.named_parameters():
        assert torch.equal(p, before[name]) != (name in trainable), name


def test_train_steps_equals_torch_adamw():
    torch.manual_seed(7)
    ours, theirs = nn.Linear(4, 3), nn.Linear(4, 3)
    theirs.load_state_dict(ours.state_dict())
    x, y = torch.randn(5, 4), torch.tensor([0, 1, 2, 1, 0])
    ref.train_steps(ours, (x,), y, 4, 0.05, 0.1)
    optimizer = torch.optim.AdamW(theirs.parameters(), lr=0.05, weight_decay=0.1)
    for _ in range(4):
        optimizer.zero_grad()
        nn.functional.cross_entropy(theirs(x), y).backward()
        optimizer.step()
    torch.testing.assert_close(ours.weight, theirs.weight, atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("method", ["full", "partial", "adapter", "prompt", "lora"])
def test_experiment_methods_run_on_a_small_gpt(method):
    torch.manual_seed(8)
    gpt = MiniGPT(13, 16, 8, 2, 2, 12)
    ids = torch.randint(1, 13, (40, 6))
    mask = torch.ones(40, 6, dtype=torch.long)
    mask[::3, 4:] = 0
    labels = torch.randint(0, 3, (40,))
    data = {"train": (ids[:30], mask[:30], labels[:30]), "test": (ids[30:], mask[30:], labels[30:]), "n_classes": 3}
    pretrained = gpt.tok_emb.weight.detach().clone()
    row = ref.run_method(method, gpt, data, steps=2, batch_size=4, prompt_ids=[1, 2])
    assert 0 < row["trainable"] <= ref.count_trainable_parameters(ref.GPTClassifier(gpt, 3))
    assert row["activation_mb"] > 0 and 0 <= row["accuracy"] <= 1
    assert torch.equal(gpt.tok_emb.weight, pretrained), "run_method must train a copy"
