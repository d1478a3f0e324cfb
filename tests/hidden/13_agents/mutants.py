"""Buggy variants of solutions/13_agents.py: one per BUG_CATALOG "AI agents" row, plus a few extras.

Each entry replaces whole top-level definitions of the reference; the suite must take points off
every one of them.
"""

MUTANTS = {
    # BUG_CATALOG "AI agents" row 1: tool results appended without the assistant message first
    "agents-01-assistant-message-not-appended": {
        "run_agent": '''
def run_agent(client, registry, messages, max_steps=5):
    messages = list(messages)
    tools = registry.schemas()
    for step in range(1, max_steps + 1):
        reply = client(messages, tools)
        tool_calls = reply.get("tool_calls") or []
        if not tool_calls:
            messages.append(reply)
            return {"messages": messages, "final": reply.get("content"), "steps": step,
                    "stopped": "final_answer"}
        for call in tool_calls:
            result = registry.call(call["function"]["name"], call["function"]["arguments"])
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    return {"messages": messages, "final": None, "steps": max_steps, "stopped": "max_steps"}
''',
    },
    # row 2: tool_call_id missing / mismatched with parallel calls (every result gets the first id)
    "agents-02-tool-call-id-mismatched": {
        "run_agent": '''
def run_agent(client, registry, messages, max_steps=5):
    messages = list(messages)
    tools = registry.schemas()
    for step in range(1, max_steps + 1):
        reply = client(messages, tools)
        messages.append(reply)
        tool_calls = reply.get("tool_calls") or []
        if not tool_calls:
            return {"messages": messages, "final": reply.get("content"), "steps": step,
                    "stopped": "final_answer"}
        for call in tool_calls:
            result = registry.call(call["function"]["name"], call["function"]["arguments"])
            messages.append({"role": "tool", "tool_call_id": tool_calls[0]["id"], "content": result})
    return {"messages": messages, "final": None, "steps": max_steps, "stopped": "max_steps"}
''',
    },
    # row 3: only the first of several tool calls executed
    "agents-03-only-first-tool-call": {
        "run_agent": '''
def run_agent(client, registry, messages, max_steps=5):
    messages = list(messages)
    tools = registry.schemas()
    for step in range(1, max_steps + 1):
        reply = client(messages, tools)
        messages.append(reply)
        tool_calls = reply.get("tool_calls") or []
        if not tool_calls:
            return {"messages": messages, "final": reply.get("content"), "steps": step,
                    "stopped": "final_answer"}
        call = tool_calls[0]
        result = registry.call(call["function"]["name"], call["function"]["arguments"])
        messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    return {"messages": messages, "final": None, "steps": max_steps, "stopped": "max_steps"}
''',
    },
    # row 4: malformed JSON arguments crash (json.loads unguarded)
    "agents-04-bad-json-crashes": {
        "ToolRegistry": '''
class ToolRegistry:
    def __init__(self):
        self._tools = {}

    def register(self, name, fn, parameters_schema, description=""):
        self._tools[name] = {"fn": fn, "parameters": parameters_schema, "description": description}

    def schemas(self):
        return [{"type": "function",
                 "function": {"name": name, "description": tool["description"],
                              "parameters": tool["parameters"]}}
                for name, tool in self._tools.items()]

    def call(self, name, arguments):
        if name not in self._tools:
            return f"Error: 알 수 없는 도구입니다: {name!r}"
        tool = self._tools[name]
        if isinstance(arguments, str):
            arguments = json.loads(arguments)
        try:
            jsonschema.validate(arguments, tool["parameters"])
        except jsonschema.ValidationError as exc:
            return f"Error: 인자가 스키마에 맞지 않습니다 ({exc.message})"
        try:
            result = tool["fn"](**arguments)
        except Exception as exc:
            return f"Error: 도구 실행 중 {type(exc).__name__}: {exc}"
        return result if isinstance(result, str) else str(result)
''',
    },
    # row 5: unknown tool name crashes (KeyError)
    "agents-05-unknown-tool-crashes": {
        "ToolRegistry": '''
class ToolRegistry:
    def __init__(self):
        self._tools = {}

    def register(self, name, fn, parameters_schema, description=""):
        self._tools[name] = {"fn": fn, "parameters": parameters_schema, "description": description}

    def schemas(self):
        return [{"type": "function",
                 "function": {"name": name, "description": tool["description"],
                              "parameters": tool["parameters"]}}
                for name, tool in self._tools.items()]

    def call(self, name, arguments):
        tool = self._tools[name]
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except json.JSONDecodeError as exc:
                return f"Error: 인자가 올바른 JSON이 아닙니다 ({exc.msg})"
        try:
            jsonschema.validate(arguments, tool["parameters"])
        except jsonschema.ValidationError as exc:
            return f"Error: 인자가 스키마에 맞지 않습니다 ({exc.message})"
        try:
            result = tool["fn"](**arguments)
        except Exception as exc:
            return f"Error: 도구 실행 중 {type(exc).__name__}: {exc}"
        return result if isinstance(result, str) else str(result)
''',
    },
    # row 6: no step limit (a model that always calls a tool never lets the loop end)
    "agents-06-no-step-limit": {
        "run_agent": '''
def run_agent(client, registry, messages, max_steps=5):
    messages = list(messages)
    tools = registry.schemas()
    step = 0
    while True:
        step += 1
        reply = client(messages, tools)
        messages.append(reply)
        tool_calls = reply.get("tool_calls") or []
        if not tool_calls:
            return {"messages": messages, "final": reply.get("content"), "steps": step,
                    "stopped": "final_answer"}
        for call in tool_calls:
            result = registry.call(call["function"]["name"], call["function"]["arguments"])
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
''',
    },
    # row 7: never stops when the model returns plain content (keeps asking until the limit)
    "agents-07-final-answer-ignored": {
        "run_agent": '''
def run_agent(client, registry, messages, max_steps=5):
    messages = list(messages)
    tools = registry.schemas()
    final = None
    for step in range(1, max_steps + 1):
        reply = client(messages, tools)
        messages.append(reply)
        final = reply.get("content")
        for call in reply.get("tool_calls") or []:
            result = registry.call(call["function"]["name"], call["function"]["arguments"])
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    return {"messages": messages, "final": final, "steps": max_steps, "stopped": "max_steps"}
''',
    },
    # row 8: tool results passed on as they are (numbers, not strings)
    "agents-08-tool-result-not-str": {
        "ToolRegistry": '''
class ToolRegistry:
    def __init__(self):
        self._tools = {}

    def register(self, name, fn, parameters_schema, description=""):
        self._tools[name] = {"fn": fn, "parameters": parameters_schema, "description": description}

    def schemas(self):
        return [{"type": "function",
                 "function": {"name": name, "description": tool["description"],
                              "parameters": tool["parameters"]}}
                for name, tool in self._tools.items()]

    def call(self, name, arguments):
        if name not in self._tools:
            return f"Error: 알 수 없는 도구입니다: {name!r}"
        tool = self._tools[name]
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except json.JSONDecodeError as exc:
                return f"Error: 인자가 올바른 JSON이 아닙니다 ({exc.msg})"
        try:
            jsonschema.validate(arguments, tool["parameters"])
        except jsonschema.ValidationError as exc:
            return f"Error: 인자가 스키마에 맞지 않습니다 ({exc.message})"
        try:
            return tool["fn"](**arguments)
        except Exception as exc:
            return f"Error: 도구 실행 중 {type(exc).__name__}: {exc}"
''',
    },
    # row 9: the calculator uses eval (with a try/except that only catches the obvious failures)
    "agents-09-calculator-uses-eval": {
        "calculator": '''
def calculator(expression):
    try:
        return str(eval(expression, {"__builtins__": __builtins__}, {}))
    except Exception as exc:
        return f"Error: {type(exc).__name__}: {exc}"
''',
    },
    # extra: a hand-written validator that only checks required keys and basic types
    "agents-extra-hand-written-validator": {
        "ToolRegistry": '''
class ToolRegistry:
    def __init__(self):
        self._tools = {}

    def register(self, name, fn, parameters_schema, description=""):
        self._tools[name] = {"fn": fn, "parameters": parameters_schema, "description": description}

    def schemas(self):
        return [{"type": "function",
                 "function": {"name": name, "description": tool["description"],
                              "parameters": tool["parameters"]}}
                for name, tool in self._tools.items()]

    def call(self, name, arguments):
        if name not in self._tools:
            return f"Error: 알 수 없는 도구입니다: {name!r}"
        tool = self._tools[name]
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except json.JSONDecodeError as exc:
                return f"Error: 인자가 올바른 JSON이 아닙니다 ({exc.msg})"
        if not isinstance(arguments, dict):
            return "Error: 인자는 객체여야 합니다"
        types = {"number": (int, float), "integer": int, "string": str, "array": list}
        schema = tool["parameters"]
        for key in schema.get("required", []):
            if key not in arguments:
                return f"Error: {key} 누락"
        for key, value in arguments.items():
            expected = schema.get("properties", {}).get(key, {}).get("type")
            if expected and not isinstance(value, types[expected]):
                return f"Error: {key} 타입"
        try:
            result = tool["fn"](**arguments)
        except Exception as exc:
            return f"Error: 도구 실행 중 {type(exc).__name__}: {exc}"
        return result if isinstance(result, str) else str(result)
''',
    },
    # extra: % truncates like C (-7 % 3 == -1) instead of Python's floored modulo
    "agents-extra-calculator-c-modulo": {
        "_evaluate": '''
def _evaluate(node):
    binary_ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                  ast.Div: operator.truediv, ast.Pow: operator.pow,
                  ast.Mod: lambda a, b: a - b * int(a / b)}
    unary_ops = {ast.USub: operator.neg, ast.UAdd: operator.pos}
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in binary_ops:
        left, right = _evaluate(node.left), _evaluate(node.right)
        return binary_ops[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in unary_ops:
        return unary_ops[type(node.op)](_evaluate(node.operand))
    raise ValueError(type(node).__name__)
''',
    },
    # extra: evaluate_agent crashes on a task that hit its step limit (final is None)
    "agents-extra-evaluate-none-final": {
        "evaluate_agent": '''
def evaluate_agent(client_factory, registry, tasks):
    successes, total_steps, tool_errors = 0, 0, 0
    for task in tasks:
        result = run_agent(client_factory(), registry, task["messages"],
                           max_steps=task.get("max_steps", 5))
        if task["expected"] in result["final"]:
            successes += 1
        total_steps += result["steps"]
        tool_errors += sum(1 for m in result["messages"]
                           if m.get("role") == "tool" and m["content"].startswith("Error:"))
    return {"success_rate": successes / len(tasks), "mean_steps": total_steps / len(tasks),
            "tool_errors": tool_errors}
''',
    },
    # extra: evaluate_agent counts failed tasks instead of error messages, and ignores max_steps
    "agents-extra-evaluate-counts-wrong": {
        "evaluate_agent": '''
def evaluate_agent(client_factory, registry, tasks):
    successes, total_steps, failures = 0, 0, 0
    for task in tasks:
        result = run_agent(client_factory(), registry, task["messages"])
        final = result["final"]
        if result["stopped"] == "final_answer" and final is not None and task["expected"] in final:
            successes += 1
        else:
            failures += 1
        total_steps += result["steps"]
    return {"success_rate": successes / len(tasks), "mean_steps": total_steps / len(tasks),
            "tool_errors": failures}
''',
    },
}

# Realistic mixes for the demo's sample submissions (names of MUTANTS entries).
SAMPLES = {
    "bug-tool-results-orphaned": ["agents-01-assistant-message-not-appended", "agents-08-tool-result-not-str"],
    "bug-eval-calculator": ["agents-09-calculator-uses-eval"],
    "bug-runaway-loop": ["agents-06-no-step-limit", "agents-05-unknown-tool-crashes"],
}
