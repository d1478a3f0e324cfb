"""Helper objects that hidden tests hand to the student's code; they run inside the worker.

Everything here is importable by the worker (pickled by reference), holds nothing secret and never
touches the network. Tests build these objects in the grader, pass them as arguments, and read the
evidence back from the plain data the student's function returns.
"""
from __future__ import annotations

import copy
import json

# ------------------------------------------------------------------ 13_agents: tools for registries


def add(a, b):
    """Returns a number, not a string: the registry must turn it into text."""
    return a + b


def multiply(a, b):
    return a * b


def divide(a, b):
    return a / b  # ZeroDivisionError on b == 0: the registry must report it, not crash


def shout(text, times=1, style="loud"):
    return ((text.upper() if style == "loud" else text) + "!") * times


def total(numbers):
    return sum(numbers)


ARITHMETIC_SCHEMA = {
    "type": "object",
    "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
    "required": ["a", "b"],
    "additionalProperties": False,
}

ARITHMETIC_TOOLS = {"add": add, "multiply": multiply, "divide": divide}


class ArithmeticRegistry:
    """A ready-made registry (same `schemas()` / `call()` as ToolRegistry) over add/multiply/divide.

    Lets agent-loop tests run without the student's own ToolRegistry. It only parses JSON and
    checks the tool name; argument validation is the student's job in ToolRegistry.
    """

    def schemas(self):
        return [{"type": "function",
                 "function": {"name": name, "description": f"{name}(a, b)",
                              "parameters": copy.deepcopy(ARITHMETIC_SCHEMA)}}
                for name in ARITHMETIC_TOOLS]

    def call(self, name, arguments):
        if name not in ARITHMETIC_TOOLS:
            return f"Error: unknown tool {name!r}"
        try:
            args = json.loads(arguments) if isinstance(arguments, str) else arguments
            return str(ARITHMETIC_TOOLS[name](**args))
        except Exception as exc:  # noqa: BLE001 — every failure is an observation
            return f"Error: {type(exc).__name__}: {exc}"


# ------------------------------------------------------------------ 13_agents: message builders


def tool_call(call_id, name, arguments):
    """One OpenAI-style tool call; `arguments` is a dict (sent as JSON) or a raw string."""
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calls(*tool_calls, content=None):
    """An assistant message that asks for the given tool calls."""
    return {"role": "assistant", "content": content, "tool_calls": list(tool_calls)}


def says(text):
    """An assistant message with a final answer (no tool calls)."""
    return {"role": "assistant", "content": text}


# ------------------------------------------------------------------ 13_agents: fake models


class ScriptedClient:
    """A fake model: returns the scripted assistant messages in order, then `after` as plain text.

    `self.calls` records a deep copy of every `messages` list it was given (useful in-process; the
    worker keeps it, so hidden tests read evidence from the returned data instead).
    """

    def __init__(self, turns, after="(대본 끝)"):
        self.turns = [copy.deepcopy(t) for t in turns]
        self.after = after
        self.calls = []

    def __call__(self, messages, tools):
        self.calls.append(copy.deepcopy(list(messages)))
        index = len(self.calls) - 1
        if index < len(self.turns):
            return copy.deepcopy(self.turns[index])
        return says(self.after)


def summarize(messages, tools=None):
    """What a model saw, as plain data: one small dict per message (and the tool names)."""
    seen = []
    for message in messages:
        item = {"role": message.get("role")}
        if message.get("tool_calls"):
            item["tool_call_ids"] = [c.get("id") for c in message["tool_calls"]]
        if message.get("role") == "tool":
            item["tool_call_id"] = message.get("tool_call_id")
            item["content"] = message.get("content")
            item["content_type"] = type(message.get("content")).__name__
        seen.append(item)
    return {"messages": seen,
            "tools": None if tools is None else [t.get("function", {}).get("name") for t in tools]}


class ProbeClient(ScriptedClient):
    """A scripted model whose final answer is a JSON report of everything it saw, call by call.

    After the scripted turns run out it answers `"PROBE:" + json.dumps([summary of call 1, ...])`,
    so a test reads `result["final"]` to learn the message roles, the tool_call ids and the tool
    results that the model was shown on each call.
    """

    def __init__(self, turns):
        super().__init__(turns)
        self.seen = []

    def __call__(self, messages, tools):
        self.seen.append(summarize(messages, tools))
        reply = super().__call__(messages, tools)
        if len(self.calls) > len(self.turns):
            return says("PROBE:" + json.dumps(self.seen, ensure_ascii=False))
        return reply


class ToolLoopClient:
    """A model that never stops calling `add` (a fresh id each time).

    So that a loop without a step limit fails a test instead of hanging the worker, it gives up
    after `give_up_after` calls and answers "RUNAWAY".
    """

    def __init__(self, give_up_after=25):
        self.give_up_after = give_up_after
        self.n_calls = 0

    def __call__(self, messages, tools):
        self.n_calls += 1
        if self.n_calls > self.give_up_after:
            return says("RUNAWAY")
        return calls(tool_call(f"loop_{self.n_calls}", "add", {"a": self.n_calls, "b": 1}))


class ScriptBook:
    """A client factory for evaluate_agent: `factory()` returns a fresh BookClient.

    `scripts` maps a task's question (the content of its last user message) to that task's turns.
    """

    def __init__(self, scripts):
        self.scripts = copy.deepcopy(scripts)

    def __call__(self):
        return BookClient(self.scripts)


class BookClient:
    """Plays the script of the question it is asked (read on its first call); a fresh one per task."""

    def __init__(self, scripts):
        self.scripts = scripts
        self.script = None
        self.n_calls = 0

    def __call__(self, messages, tools):
        if self.script is None:
            question = [m.get("content") for m in messages if m.get("role") == "user"][-1]
            self.script = self.scripts.get(question, [says("모르는 질문입니다.")])
        self.n_calls += 1
        if self.n_calls <= len(self.script):
            return copy.deepcopy(self.script[self.n_calls - 1])
        return says("(대본 끝)")


# ------------------------------------------------------------------ 03_transformer_bert_gpt: generators


class TorchGenerator:
    """Stands for `torch.Generator().manual_seed(seed)` (torch generators may not pickle); the
    worker turns the marker into the real generator before calling the student's function."""

    def __init__(self, seed):
        self.seed = seed

    def __worker_resolve__(self):
        import torch

        return torch.Generator().manual_seed(self.seed)
