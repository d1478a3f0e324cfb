"""Buggy variants of solutions/13_agents.py: one per BUG_CATALOG "AI agents" row, plus a few extras.

Each entry changes top-level definitions of the reference: a list of (old, new) text edits to the
reference definition (grader/mutants.py); the suite must take points off every one of them.
"""

MUTANTS = {
    # BUG_CATALOG "AI agents" row 1: tool results appended without the assistant message first
    "agents-01-assistant-message-not-appended": {
        "run_agent": [
            ("        messages.append(reply)", ""),
            ("        if not tool_calls:",
             "        if not tool_calls:\n"
             "            messages.append(reply)"),
        ],
    },
    # row 2: tool_call_id missing / mismatched with parallel calls (every result gets the first id)
    "agents-02-tool-call-id-mismatched": {
        "run_agent": [
            ('messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})',
             'messages.append({"role": "tool", "tool_call_id": tool_calls[0]["id"], "content": result})'),
        ],
    },
    # row 3: only the first of several tool calls executed
    "agents-03-only-first-tool-call": {
        "run_agent": [
            ("        for call in tool_calls:\n"
             '            result = registry.call(call["function"]["name"], call["function"]["arguments"])\n'
             '            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})',
             "        call = tool_calls[0]\n"
             '        result = registry.call(call["function"]["name"], call["function"]["arguments"])\n'
             '        messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})'),
        ],
    },
    # row 4: malformed JSON arguments crash (json.loads unguarded)
    "agents-04-bad-json-crashes": {
        "ToolRegistry": [
            ("        jsonschema.validators.validator_for(parameters_schema).check_schema(parameters_schema)",
             ""),
            ("            try:\n"
             "                arguments = json.loads(arguments)\n"
             "            except json.JSONDecodeError as exc:\n"
             '                return f"Error: 인자가 올바른 JSON이 아닙니다 ({exc.msg})"',
             "            arguments = json.loads(arguments)"),
        ],
    },
    # row 5: unknown tool name crashes (KeyError)
    "agents-05-unknown-tool-crashes": {
        "ToolRegistry": [
            ("        jsonschema.validators.validator_for(parameters_schema).check_schema(parameters_schema)",
             ""),
            ("        if name not in self._tools:\n"
             '            return f"Error: 알 수 없는 도구입니다: {name!r}"',
             ""),
        ],
    },
    # row 6: no step limit (a model that always calls a tool never lets the loop end)
    "agents-06-no-step-limit": {
        "run_agent": [
            ("    for step in range(1, max_steps + 1):",
             "    step = 0\n"
             "    while True:\n"
             "        step += 1"),
            ('    return {"messages": messages, "final": None, "steps": max_steps, "stopped": "max_steps"}',
             ""),
        ],
    },
    # row 7: never stops when the model returns plain content (keeps asking until the limit)
    "agents-07-final-answer-ignored": {
        "run_agent": [
            ("    tools = registry.schemas()",
             "    tools = registry.schemas()\n"
             "    final = None"),
            ('        tool_calls = reply.get("tool_calls") or []\n'
             "        if not tool_calls:\n"
             '            return {"messages": messages, "final": reply.get("content"), "steps": step,\n'
             '                    "stopped": "final_answer"}\n'
             "        for call in tool_calls:",
             '        final = reply.get("content")\n'
             '        for call in reply.get("tool_calls") or []:'),
            ('return {"messages": messages, "final": None, "steps": max_steps, "stopped": "max_steps"}',
             'return {"messages": messages, "final": final, "steps": max_steps, "stopped": "max_steps"}'),
        ],
    },
    # row 8: tool results passed on as they are (numbers, not strings)
    "agents-08-tool-result-not-str": {
        "ToolRegistry": [
            ("        jsonschema.validators.validator_for(parameters_schema).check_schema(parameters_schema)",
             ""),
            ('result = tool["fn"](**arguments)', 'return tool["fn"](**arguments)'),
            ("        return result if isinstance(result, str) else str(result)", ""),
        ],
    },
    # row 9: the calculator uses eval (with a try/except that only catches the obvious failures)
    "agents-09-calculator-uses-eval": {
        "calculator": [
            ('value = _evaluate(ast.parse(expression.strip(), mode="eval").body)',
             'return str(eval(expression, {"__builtins__": __builtins__}, {}))'),
            ("    return str(value)", ""),
        ],
    },
    # extra: a hand-written validator that only checks required keys and basic types
    "agents-extra-hand-written-validator": {
        "ToolRegistry": [
            ("        jsonschema.validators.validator_for(parameters_schema).check_schema(parameters_schema)",
             ""),
            ("        try:\n"
             '            jsonschema.validate(arguments, tool["parameters"])\n'
             "        except jsonschema.ValidationError as exc:\n"
             '            return f"Error: 인자가 스키마에 맞지 않습니다 ({exc.message})"',
             "        if not isinstance(arguments, dict):\n"
             '            return "Error: 인자는 객체여야 합니다"\n'
             '        types = {"number": (int, float), "integer": int, "string": str, "array": list}\n'
             '        schema = tool["parameters"]\n'
             '        for key in schema.get("required", []):\n'
             "            if key not in arguments:\n"
             '                return f"Error: {key} 누락"\n'
             "        for key, value in arguments.items():\n"
             '            expected = schema.get("properties", {}).get(key, {}).get("type")\n'
             "            if expected and not isinstance(value, types[expected]):\n"
             '                return f"Error: {key} 타입"'),
        ],
    },
    # extra: % truncates like C (-7 % 3 == -1) instead of Python's floored modulo
    "agents-extra-calculator-c-modulo": {
        "_evaluate": [
            ("                  ast.Div: operator.truediv, ast.Pow: operator.pow, ast.Mod: operator.mod}",
             "                  ast.Div: operator.truediv, ast.Pow: operator.pow,\n"
             "                  ast.Mod: lambda a, b: a - b * int(a / b)}"),
            ("        if isinstance(node.op, ast.Pow) and abs(right) > 100:\n"
             '            raise ValueError("지수가 너무 큽니다")\n'
             "        value = binary_ops[type(node.op)](left, right)\n"
             "        if isinstance(value, complex):\n"
             '            raise ValueError("결과가 실수가 아닙니다")\n'
             "        return value",
             "        return binary_ops[type(node.op)](left, right)"),
            ('raise ValueError(f"허용되지 않는 식입니다: {type(node).__name__}")',
             "raise ValueError(type(node).__name__)"),
        ],
    },
    # extra: evaluate_agent crashes on a task that hit its step limit (final is None)
    "agents-extra-evaluate-none-final": {
        "evaluate_agent": [
            ('        final = result["final"]\n'
             '        if result["stopped"] == "final_answer" and final is not None and task["expected"] in final:',
             '        if task["expected"] in result["final"]:'),
            ('        new_messages = result["messages"][len(task["messages"]):]\n'
             "        tool_errors += sum(1 for m in new_messages",
             '        tool_errors += sum(1 for m in result["messages"]'),
        ],
    },
    # extra: evaluate_agent counts failed tasks instead of error messages, and ignores max_steps
    "agents-extra-evaluate-counts-wrong": {
        "evaluate_agent": [
            ("successes, total_steps, tool_errors = 0, 0, 0", "successes, total_steps, failures = 0, 0, 0"),
            ('        result = run_agent(client_factory(), registry, task["messages"],\n'
             '                           max_steps=task.get("max_steps", 5))',
             '        result = run_agent(client_factory(), registry, task["messages"])'),
            ("            successes += 1",
             "            successes += 1\n"
             "        else:\n"
             "            failures += 1"),
            ('        new_messages = result["messages"][len(task["messages"]):]\n'
             "        tool_errors += sum(1 for m in new_messages\n"
             '                           if m.get("role") == "tool" and m["content"].startswith("Error:"))',
             ""),
            ('"tool_errors": tool_errors}', '"tool_errors": failures}'),
        ],
    },
    # extra (issue 17): arguments that arrive as a dict skip the schema (validation only on the string path)
    "agents-extra-dict-arguments-not-validated": {
        "ToolRegistry": [
            ("        jsonschema.validators.validator_for(parameters_schema).check_schema(parameters_schema)",
             ""),
            ("                return f\"Error: 인자가 올바른 JSON이 아닙니다 ({exc.msg})\"\n"
             "        try:\n"
             "            jsonschema.validate(arguments, tool[\"parameters\"])\n"
             "        except jsonschema.ValidationError as exc:\n"
             "            return f\"Error: 인자가 스키마에 맞지 않습니다 ({exc.message})\"",
             "                return f\"Error: 인자가 올바른 JSON이 아닙니다 ({exc.msg})\"\n"
             "            try:\n"
             "                jsonschema.validate(arguments, tool[\"parameters\"])\n"
             "            except jsonschema.ValidationError as exc:\n"
             "                return f\"Error: 인자가 스키마에 맞지 않습니다 ({exc.message})\""),
        ],
    },
    # extra: isinstance lets booleans through as numbers (bool is a subclass of int)
    "agents-extra-calculator-accepts-booleans": {
        "_evaluate": [("isinstance(node, ast.Constant) and type(node.value) in (int, float)",
                       "isinstance(node, ast.Constant) and isinstance(node.value, (int, float))")],
    },
    # extra: the loop appends to the caller's list instead of a copy
    "agents-extra-run-agent-appends-to-the-callers-list": {
        "run_agent": [("    messages = list(messages)\n", "")],
    },
    # extra: the exponent guard is off by one at its documented limit
    "agents-extra-exponent-limit-excludes-100": {
        "_evaluate": [("abs(right) > 100", "abs(right) >= 100")],
    },
    # extra: tool errors counted over the whole conversation, the task's earlier messages included
    "agents-extra-tool-errors-include-the-tasks-messages": {
        "evaluate_agent": [('new_messages = result["messages"][len(task["messages"]):]',
                            'new_messages = result["messages"]')],
    },
}

# Realistic mixes for the demo's sample submissions (names of MUTANTS entries).
SAMPLES = {
    "bug-tool-results-orphaned": ["agents-01-assistant-message-not-appended", "agents-08-tool-result-not-str"],
    "bug-eval-calculator": ["agents-09-calculator-uses-eval"],
    "bug-runaway-loop": ["agents-06-no-step-limit", "agents-05-unknown-tool-crashes"],
}
