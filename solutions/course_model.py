"""The course's small pretrained Korean GPT: save and load one folder (config, weights, tokenizer).

The folder (assignments/09_generation/course_model/) holds
  config.json        MiniGPT's constructor arguments and the training figures
  model.safetensors  the weights (fp16; the tied output head is stored once, as tok_emb.weight)
  tokenizer.json     05's byte-level BPE: vocab {id: hex bytes}, merges [[hex, hex], ...], special tokens
Nothing is unpickled. `load_course_model` is the given code of 09 and later notebooks (a support cell),
so it uses only names those notebooks define: MiniGPT (08) and BPETokenizer (05).
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

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
