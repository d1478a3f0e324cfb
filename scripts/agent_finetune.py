"""Teach the course GPT the tool-call format of 13_agents: a LoRA adapter, trained by supervised fine-tuning.

The pretrained course model (assignments/09_generation/course_model/) has read statutes and software
help, never a tool call: put in run_agent's loop it writes Korean prose and never calls the calculator.
This script fine-tunes it on conversations it generates itself (arithmetic questions in a few Korean
phrasings, the calculator's real results from 13's reference, the prompt text of solutions/agent_model.py)
with the course's own pieces: 10's apply_lora (LoRA on every attention and feed-forward projection) and
11's collate and masked_mean (the loss on the model's own lines only). Each training example is one whole
conversation; the loss counts the tokens of the two lines the model writes, each with its newline (the
newline is where generation stops):

    도구: calculator(expression)
    사용자: 계산해 주세요: 12 * (3 + 4)
    도우미: CALL calculator {"expression": "12 * (3 + 4)"}     <- the model's first line
    도구 결과: 84
    도우미: 답은 84입니다.                                       <- the model's second line

Writes assignments/13_agents/agent_adapter/{adapter.json, adapter.safetensors} (the LoRA matrices only,
fp16; the pretrained weights stay in course_model/), then measures the adapted and the plain model with
13's evaluate_agent on held-out questions (the notebook's QUESTIONS are never trained on).

    python scripts/agent_finetune.py                          # the committed adapter
    python scripts/agent_finetune.py --steps 3 --out build/agent_smoke   # a short check

Fixed seed and step count: the same command gives the same losses (tests/reference/test_13_agents.py
replays the first steps).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "solutions"))
import agent_model  # noqa: E402
from course_model import load_course_model  # noqa: E402

from grader.assignments import load_solution  # noqa: E402

OUT = ROOT / "assignments" / "13_agents" / "agent_adapter"
COURSE_MODEL = ROOT / "assignments" / "09_generation" / "course_model"
SETTINGS = {"seed": 13, "steps": 4000, "batch": 16, "lr": 3e-3, "warmup": 100, "weight_decay": 0.0,
            "r": 32, "alpha": 64, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "fc1", "fc2"],
            "n_conversations": 8000, "max_expression_chars": 16, "threads": 1}
# The notebook's evaluation questions (13's make_tasks): never in the training data.
NOTEBOOK_QUESTIONS = ["17 + 25", "12 * (3 + 4)", "2 ** 10", "(100 - 19) / 4", "3.5 * 6", "-(8 - 51)",
                      "7 ** 3 - 1", "1000 / 8"]
SYSTEMS = [None, "계산기 도구로 답하세요.", "너는 계산기 도구를 쓰는 도우미다.", "계산은 도구에 맡기세요."]
QUESTIONS = ["계산해 주세요: {}", "{}의 값을 알려 줘.", "다음 식을 계산해 줘: {}", "{} = ?", "{}의 결과는 얼마인가요?",
             "이 식의 값이 궁금해요: {}"]


def random_expression(rng: random.Random, depth: int = 2) -> str:
    """A small arithmetic expression in the calculator's language (numbers, + - * / ** %, parentheses, -)."""
    if depth == 0:
        number = rng.choice([rng.randint(0, 9), rng.randint(10, 99), rng.randint(100, 999)])
        return str(number) if rng.random() < 0.85 else f"{number}.{rng.randint(1, 9)}"
    op = rng.choice(["+", "-", "*", "/", "%", "**", "neg", "+", "-", "*"])
    if op == "neg":
        return f"-({random_expression(rng, depth - 1)})"
    if op == "**":
        return f"{random_expression(rng, 0)} ** {rng.randint(0, 4)}"
    left = random_expression(rng, depth - 1 if rng.random() < 0.4 else 0)
    right = random_expression(rng, depth - 1 if rng.random() < 0.3 else 0)
    if any(o in left for o in "+-") and rng.random() < 0.7:
        left = f"({left})"
    if any(o in right for o in "+-*/%") and rng.random() < 0.8:
        right = f"({right})"
    return f"{left} {op} {right}"


def conversation(rng: random.Random, calculator, tools, expression: str) -> list[tuple[str, bool]]:
    """One solved task as text segments: (text, written by the model?). Joined, the segments are exactly
    chat_prompt() of the conversation after each step, plus the model's lines."""
    system = rng.choice(SYSTEMS)
    messages = ([{"role": "system", "content": system}] if system else [])
    messages.append({"role": "user", "content": rng.choice(QUESTIONS).format(expression)})
    arguments = json.dumps({"expression": expression}, ensure_ascii=False)
    result = calculator(expression)
    answer = f"답은 {result}입니다." if not result.startswith("Error:") else "계산할 수 없는 식입니다."
    first_prompt = agent_model.chat_prompt(messages, tools)
    messages += [{"role": "assistant", "content": None, "tool_calls": [
                     {"id": "call_1", "type": "function", "function": {"name": "calculator", "arguments": arguments}}]},
                 {"role": "tool", "tool_call_id": "call_1", "content": result}]
    second_prompt = agent_model.chat_prompt(messages, tools)
    call_line = f" {agent_model.CALL_PREFIX}calculator {arguments}\n"
    assert second_prompt.startswith(first_prompt + call_line)
    return [(first_prompt, False), (call_line, True), (second_prompt[len(first_prompt + call_line):], False),
            (f" {answer}\n", True)]


def training_conversations(n: int, seed: int, agents, max_chars: int) -> dict[str, list[tuple[str, bool]]]:
    """n generated conversations by their expression (13's reference calculator and a registry like the
    notebook's); the notebook's questions never appear."""
    calculator, tools = agents.calculator, make_registry(agents).schemas()
    rng = random.Random(seed)
    held_out = set(NOTEBOOK_QUESTIONS)
    conversations = {}
    while len(conversations) < n:
        expression = random_expression(rng)
        if (expression in held_out or expression in conversations or len(expression) > max_chars
                or len(calculator(expression)) > 14):
            continue
        conversations[expression] = conversation(rng, calculator, tools, expression)
    return conversations


def encode(tokenizer, segments) -> tuple[list[int], list[int]]:
    """Token ids of a conversation and a 0/1 mask of the tokens the model writes."""
    ids, mask = [], []
    for text, written in segments:
        piece = tokenizer.encode(text)
        ids += piece
        mask += [int(written)] * len(piece)
    return ids, mask


def hidden_states(model, input_ids):
    """MiniGPT's forward without the output head (the head is applied where the loss is counted only)."""
    x = model.tok_emb(input_ids) + model.pos_emb(torch.arange(input_ids.shape[1]))
    for block in model.blocks:
        x = block(x)
    return model.ln_f(x)


def make_registry(agents):
    registry = agents.ToolRegistry()
    registry.register("calculator", agents.calculator,
                      {"type": "object", "properties": {"expression": {"type": "string"}},
                       "required": ["expression"], "additionalProperties": False},
                      description="사칙연산 식을 계산합니다 (+ - * / ** %, 괄호).")
    return registry


def held_out_tasks(settings: dict, n: int) -> list[dict]:
    """The notebook's questions, then n random ones that no training conversation has (another seed)."""
    seen = training_conversations(settings["n_conversations"], settings["seed"], load_solution("13_agents"),
                                  settings["max_expression_chars"])
    rng = random.Random(settings["seed"] + 1)
    expressions = list(NOTEBOOK_QUESTIONS)
    while len(expressions) < len(NOTEBOOK_QUESTIONS) + n:
        expression = random_expression(rng)
        if len(expression) <= settings["max_expression_chars"] and expression not in seen and expression not in expressions:
            expressions.append(expression)
    agents = load_solution("13_agents")
    return [{"messages": [{"role": "system", "content": "계산기 도구로 답하세요."},
                          {"role": "user", "content": f"계산해 주세요: {e}"}],
             "expected": agents.calculator(e), "max_steps": 3} for e in expressions]


def train(settings: dict, steps: int, log=print) -> tuple[torch.nn.Module, object, list[float]]:
    p10, p11 = load_solution("10_finetuning_methods"), load_solution("11_finetuning_process")
    agents = load_solution("13_agents")
    torch.set_num_threads(settings["threads"])
    model, tokenizer, _ = load_course_model(COURSE_MODEL)
    conversations = training_conversations(settings["n_conversations"], settings["seed"], agents,
                                           settings["max_expression_chars"])
    data = [encode(tokenizer, c) for c in conversations.values()]
    # a conversation is kept only if it fits in the context with room for the reply (as at run time)
    data = [(ids, mask) for ids, mask in data if len(ids) <= model.n_ctx - 8]
    log(f"  {len(data)} conversations, longest {max(len(ids) for ids, _ in data)} tokens")

    torch.manual_seed(settings["seed"])
    p10.apply_lora(model, settings["target_modules"], r=settings["r"], alpha=settings["alpha"])
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=settings["lr"], weight_decay=settings["weight_decay"])
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: p11.warmup_cosine(s, settings["warmup"], settings["steps"], 1.0, 0.1))
    order = torch.Generator().manual_seed(settings["seed"])
    losses = []
    model.train()
    start = time.perf_counter()
    for step in range(steps):
        picks = torch.randint(0, len(data), (settings["batch"],), generator=order).tolist()
        input_ids, _ = p11.collate([data[i][0][:-1] for i in picks], pad_id=0)   # position t predicts t + 1
        labels, _ = p11.collate([data[i][0][1:] for i in picks], pad_id=0)
        written, _ = p11.collate([data[i][1][1:] for i in picks], pad_id=0)
        where = written.bool()
        token_loss = torch.zeros(labels.shape)
        token_loss[where] = F.cross_entropy(model.head(hidden_states(model, input_ids)[where]), labels[where],
                                            reduction="none")
        loss = p11.masked_mean(token_loss, written)
        loss.backward()
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        losses.append(loss.item())
        if (step + 1) % 100 == 0 or step + 1 == steps:
            log(f"  step {step + 1}/{steps}: loss {sum(losses[-100:]) / len(losses[-100:]):.4f} "
                f"({time.perf_counter() - start:.0f} s)")
    model.eval()
    return model, tokenizer, losses


def measure(model, tokenizer, tasks) -> dict:
    agents = load_solution("13_agents")
    generate = agent_model.course_model_generate(model, tokenizer)
    return agents.evaluate_agent(lambda: agent_model.TextModelClient(generate), make_registry(agents), tasks)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--held-out", type=int, default=40, help="random held-out questions to measure on")
    for name in ("lr", "r", "alpha", "batch"):
        parser.add_argument(f"--{name}", type=type(SETTINGS[name]), default=SETTINGS[name])
    args = parser.parse_args(argv)
    settings = {**SETTINGS, "steps": args.steps, "lr": args.lr, "r": args.r, "alpha": args.alpha, "batch": args.batch}
    start = time.perf_counter()
    model, tokenizer, losses = train(settings, args.steps)
    train_seconds = time.perf_counter() - start
    tasks = held_out_tasks(settings, args.held_out)
    adapted = measure(model, tokenizer, tasks)
    plain, plain_tokenizer, _ = load_course_model(COURSE_MODEL)
    baseline = measure(plain, plain_tokenizer, tasks)
    print(f"held-out tasks ({len(tasks)}): adapted {adapted}, plain course model {baseline}")

    args.out.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().to(torch.float16).contiguous()
             for name, tensor in model.state_dict().items() if ".lora_" in name}
    save_file(state, str(args.out / "adapter.safetensors"))
    config = {"made_by": "scripts/agent_finetune.py", "base": "course_model",
              "target_modules": settings["target_modules"], "r": settings["r"], "alpha": settings["alpha"],
              "training": {**settings, "train_seconds": round(train_seconds, 1),
                           "first_losses": [round(v, 6) for v in losses[:5]],
                           "loss_every_100": [round(sum(losses[i:i + 100]) / len(losses[i:i + 100]), 4)
                                              for i in range(0, len(losses), 100)]},
              "held_out": {"n_tasks": len(tasks), "adapted": adapted, "plain_course_model": baseline}}
    (args.out / "adapter.json").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    print(f"wrote {args.out} ({sum(t.numel() for t in state.values()):,} LoRA parameters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
