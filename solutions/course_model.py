"""The course's small pretrained Korean GPT: save and load one folder (config, weights, tokenizer).

The folder (assignments/09_generation/course_model/) holds
  config.json        MiniGPT's constructor arguments and the training figures
  model.safetensors  the weights (fp16; the tied output head is stored once, as tok_emb.weight)
  tokenizer.json     05's byte-level BPE: vocab {id: hex bytes}, merges [[hex, hex], ...], special tokens
Nothing is unpickled. `load_course_model` is the given code of 09 and later notebooks (a support cell),
so it uses only names those notebooks define: MiniGPT (08) and BPETokenizer (05).

06 and 07 come before 08, so their notebooks must not hold MiniGPT (08's answer): they read the
checkpoint with `load_course_checkpoint` (tensors and tokenizer, no model class), and 07 runs the
model through PyTorch's own layers with `course_model_torch_layers`.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

try:  # in the repository; in a notebook, support cells define MiniGPT and BPETokenizer instead
    from grader.assignments import load_solution
    MiniGPT = load_solution("08_transformer_block").MiniGPT
    BPETokenizer = load_solution("05_tokenization").BPETokenizer
except ImportError:
    pass


def save_course_model(folder, model, vocab, merges, special_tokens, config) -> None:
    """모델·토크나이저·설정을 폴더 하나에 저장합니다 (pickle 없이: JSON과 safetensors)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().to(torch.float16).contiguous()
             for name, tensor in model.state_dict().items() if name != "head.weight"}
    save_file(state, str(folder / "model.safetensors"))
    tokenizer = {"vocab": {str(i): token.hex() for i, token in sorted(vocab.items())},
                 "merges": [[a.hex(), b.hex()] for a, b in merges],
                 "special_tokens": list(special_tokens)}
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    (folder / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n",
                                        encoding="utf-8")


def load_course_model(folder="course_model"):
    """과정의 작은 한국어 GPT를 폴더에서 읽습니다 → (model, tokenizer, config).

    model: 08의 MiniGPT (float32, eval 모드), tokenizer: 05의 BPETokenizer, config: dict.
    출력 헤드는 토큰 임베딩과 가중치를 공유하므로 tok_emb.weight만 저장되어 있습니다.
    """
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    model = MiniGPT(**config["model"])
    state = {name: tensor.float() for name, tensor in load_file(str(folder / "model.safetensors")).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert set(missing) <= {"head.weight"} and not unexpected, "course_model 가중치 이름이 다릅니다."
    model.eval()
    data = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = {int(i): bytes.fromhex(h) for i, h in data["vocab"].items()}
    merges = [(bytes.fromhex(a), bytes.fromhex(b)) for a, b in data["merges"]]
    tokenizer = BPETokenizer(vocab, merges, data["special_tokens"])
    return model, tokenizer, config


def load_course_checkpoint(folder="course_model"):
    """과정의 작은 한국어 GPT를 모델 클래스 없이 읽습니다 → (state, tokenizer, config).

    state: {이름: float32 텐서}, 이름은 08의 MiniGPT와 같습니다(`tok_emb.weight` (V, d), `pos_emb.weight`,
    `blocks.0.attn.q_proj.weight`, …). 출력 헤드는 토큰 임베딩과 공유하므로 따로 없습니다.
    tokenizer: 05의 BPETokenizer, config: dict (config["model"]이 모델의 크기).
    """
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    state = {name: tensor.float() for name, tensor in load_file(str(folder / "model.safetensors")).items()}
    data = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = {int(i): bytes.fromhex(h) for i, h in data["vocab"].items()}
    merges = [(bytes.fromhex(a), bytes.fromhex(b)) for a, b in data["merges"]]
    return state, BPETokenizer(vocab, merges, data["special_tokens"]), config


def course_model_torch_layers(state, config):
    """과정의 GPT를 PyTorch의 층으로 다시 조립합니다 → nn.ModuleDict (eval 모드).

    "tok_emb", "pos_emb": nn.Embedding,  "blocks": nn.ModuleList of
    nn.TransformerEncoderLayer(norm_first=True, activation="gelu", dropout=0) — 08의 프리-LN 블록과 같은 계산
    (norm1 = ln1, self_attn = attn, norm2 = ln2, linear1/linear2 = ff.fc1/ff.fc2),  "ln_f": nn.LayerNorm.
    logits = ln_f(블록들(tok_emb(ids) + pos_emb(0..T-1))) @ tok_emb.weightᵀ 는 MiniGPT와 같습니다.
    블록의 self_attn(nn.MultiheadAttention)은 need_weights=True로 부르면 헤드별 어텐션 가중치를 돌려줍니다.
    """
    shape = config["model"]
    d_model, n_heads = shape["d_model"], shape["n_heads"]
    layers = nn.ModuleDict({
        "tok_emb": nn.Embedding.from_pretrained(state["tok_emb.weight"], freeze=True),
        "pos_emb": nn.Embedding.from_pretrained(state["pos_emb.weight"], freeze=True),
        "blocks": nn.ModuleList(),
        "ln_f": nn.LayerNorm(d_model),
    })
    layers["ln_f"].load_state_dict({"weight": state["ln_f.weight"], "bias": state["ln_f.bias"]})
    for index in range(shape["n_layers"]):
        prefix = f"blocks.{index}."
        block = {name[len(prefix):]: tensor for name, tensor in state.items() if name.startswith(prefix)}
        layer = nn.TransformerEncoderLayer(d_model, n_heads, shape["d_ff"], dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        layer.load_state_dict({
            "self_attn.in_proj_weight": torch.cat([block[f"attn.{p}_proj.weight"] for p in "qkv"]),
            "self_attn.in_proj_bias": torch.cat([block[f"attn.{p}_proj.bias"] for p in "qkv"]),
            "self_attn.out_proj.weight": block["attn.o_proj.weight"],
            "self_attn.out_proj.bias": block["attn.o_proj.bias"],
            "norm1.weight": block["ln1.weight"], "norm1.bias": block["ln1.bias"],
            "norm2.weight": block["ln2.weight"], "norm2.bias": block["ln2.bias"],
            "linear1.weight": block["ff.fc1.weight"], "linear1.bias": block["ff.fc1.bias"],
            "linear2.weight": block["ff.fc2.weight"], "linear2.bias": block["ff.fc2.bias"],
        })
        layers["blocks"].append(layer)
    return layers.eval()
