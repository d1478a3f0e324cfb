"""The course GPT as an agent's model: a text prompt for a conversation, a client for run_agent, the
LoRA adapter that teaches the tool-call format.

Given code of 13_agents (support cells "agent_model:..."), and what scripts/agent_finetune.py trains
with, so the notebook writes exactly the prompts the adapter was trained on. It uses only names the
13 notebook defines as given code: MiniGPT (08), BPETokenizer (05), load_course_model, greedy_decode
(09) and apply_lora (10).

A conversation becomes one text, one line per message ("사용자: ...", "도우미: CALL calculator {...}",
"도구 결과: ..."), after a line that lists the tools, and ends with "도우미:" for the model to continue.
The model answers with one line: `CALL 도구이름 {JSON 인자}` to call a tool, anything else to answer.
"""
from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_file

try:  # in the repository; in a notebook, support cells define these instead
    from grader.assignments import load_module_from, load_solution
    load_course_model = load_module_from(Path(__file__).with_name("course_model.py"), "course_model").load_course_model
    greedy_decode = load_solution("09_generation").greedy_decode
    apply_lora = load_solution("10_finetuning_methods").apply_lora
except ImportError:
    pass

ROLE_NAMES = {"user": "사용자", "assistant": "도우미", "tool": "도구 결과"}
CALL_PREFIX = "CALL "


def chat_prompt(messages, tools):
    """대화(messages)와 도구 목록(tools, registry.schemas()) → 모델이 이어 쓸 프롬프트 한 덩어리.

    첫 줄은 도구 목록 `도구: 이름(인자, ...)`, 그다음 메시지마다 한 줄 `역할: 내용`
    (도구 호출은 `도우미: CALL 이름 {JSON 인자}`), 마지막 줄은 모델이 이어 쓸 `도우미:`입니다.
    작은 모델의 문맥(128 토큰)에 들어가도록 스키마의 설명은 빼고 인자 이름만 쓰며, 시스템 메시지도 뺍니다.
    """
    signatures = [f"{tool['function']['name']}({', '.join(tool['function']['parameters'].get('properties', {}))})"
                  for tool in tools]
    lines = ["도구: " + ", ".join(signatures)]
    for message in messages:
        if message["role"] == "system":
            continue
        role = ROLE_NAMES.get(message["role"], message["role"])
        if message.get("tool_calls"):
            for call in message["tool_calls"]:
                lines.append(f"{role}: {CALL_PREFIX}{call['function']['name']} {call['function']['arguments']}")
        else:
            lines.append(f"{role}: {message['content']}")
    return "\n".join(lines + [ROLE_NAMES["assistant"] + ":"])


class TextModelClient:
    """글자를 만드는 함수 generate(prompt) -> str를 run_agent의 client(messages, tools) 모양으로 감쌉니다.

    출력의 첫 줄이 `CALL 도구이름 {JSON 인자}`이면 도구 호출(id는 call_1, call_2, ...)로, 아니면 최종 답으로
    바꿉니다. 인자는 모델이 쓴 글자 그대로 넘기므로 깨진 JSON이면 ToolRegistry.call이 "Error:"를 돌려줍니다.
    """

    def __init__(self, generate):
        self.generate = generate
        self.n_calls = 0

    def __call__(self, messages, tools):
        self.n_calls += 1
        text = self.generate(chat_prompt(messages, tools)).strip()
        first_line = text.splitlines()[0] if text else ""
        if first_line.startswith(CALL_PREFIX):
            name, _, arguments = first_line[len(CALL_PREFIX):].partition(" ")
            call = {"id": f"call_{self.n_calls}", "type": "function",
                    "function": {"name": name, "arguments": arguments}}
            return {"role": "assistant", "content": None, "tool_calls": [call]}
        return {"role": "assistant", "content": text}


def course_model_generate(model, tokenizer, max_new_tokens=40):
    """과정의 GPT로 만든 generate(prompt) -> str: 09의 탐욕적 디코딩으로 한 줄을 씁니다.

    줄바꿈 토큰을 끝 토큰(eos_id)으로 넘겨 한 줄이 끝나면 멈춥니다. 프롬프트가 문맥(n_ctx)에 다 들어가지
    않으면 앞부분을 잘라 마지막 n_ctx - max_new_tokens 토큰만 씁니다.
    """
    newline_id = tokenizer.encode("\n")[0]

    def generate(prompt):
        ids = tokenizer.encode(prompt)[-(model.n_ctx - max_new_tokens):]
        new = greedy_decode(model, ids, max_new_tokens, eos_id=newline_id)[len(ids):]
        return tokenizer.decode(new).split("\n")[0]

    return generate


def load_agent_model(course_folder="course_model", adapter_folder="agent_adapter"):
    """과정의 GPT에 도구 호출 형식을 가르친 LoRA 어댑터를 얹어 읽습니다 → (model, tokenizer, config).

    adapter.json: apply_lora의 인자(target_modules, r, alpha)와 학습 기록,
    adapter.safetensors: LoRA 행렬(lora_A, lora_B)만 — 사전 학습된 가중치는 course_model의 것을 그대로 씁니다.
    """
    model, tokenizer, _ = load_course_model(course_folder)
    config = json.loads((Path(adapter_folder) / "adapter.json").read_text(encoding="utf-8"))
    apply_lora(model, config["target_modules"], r=config["r"], alpha=config["alpha"])
    state = {name: tensor.float() for name, tensor in
             load_file(str(Path(adapter_folder) / "adapter.safetensors")).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    lora_names = {name for name in model.state_dict() if ".lora_" in name}
    assert not unexpected and lora_names <= set(state), "agent_adapter의 가중치 이름이 다릅니다."
    model.eval()
    return model, tokenizer, config
