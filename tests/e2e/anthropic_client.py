"""Drive Routex with the official `anthropic` SDK, as a user would.

Usage: anthropic_client.py BASE_URL SCENARIO   (or ROUTEX_URL / ROUTEX_SCENARIO)

Scenarios:
  text         messages.create(...)                       -> text reply
  stream_text  messages.stream(...) + text_stream + get_final_message()
  tool         messages.create(..., tools=[get_weather])  -> tool_use
  stream_tool  messages.stream(..., tools=[get_weather]) + get_final_message()

Prints one JSON object on stdout: what the SDK gave back (text, stop_reason,
tool calls with their parsed input, usage). On an SDK exception prints
{"error": {type, status_code, message, body}} and exits 1. Used by
tests/sdk_e2e.rs; handy by hand against `routex serve` too.
"""

import json
import os
import sys

import anthropic

MODEL = os.environ.get("ROUTEX_MODEL", "claude-sonnet-4-5")
SYSTEM = "You are a terse assistant."
PROMPT = "Say hello"
TOOL_PROMPT = "What is the weather in Paris?"
TOOLS = [
    {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "input_schema": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["c", "f"]},
            },
            "required": ["city"],
        },
    }
]


def summary(msg, streamed_text=None, events=None):
    out = {
        "sdk": "anthropic",
        "sdk_version": anthropic.__version__,
        "id": msg.id,
        "model": msg.model,
        "role": msg.role,
        "text": "".join(b.text for b in msg.content if b.type == "text"),
        "stop_reason": msg.stop_reason,
        "tool_calls": [
            {"id": b.id, "name": b.name, "arguments": b.input} for b in msg.content if b.type == "tool_use"
        ],
        "usage": msg.usage.model_dump(exclude_none=True),
    }
    if streamed_text is not None:
        out["streamed_text"] = streamed_text
    if events is not None:
        out["events"] = events
    return out


def run(client, scenario):
    common = dict(model=MODEL, max_tokens=256, system=SYSTEM)
    if scenario == "text":
        return summary(client.messages.create(messages=[{"role": "user", "content": PROMPT}], **common))
    if scenario == "tool":
        msg = client.messages.create(
            messages=[{"role": "user", "content": TOOL_PROMPT}], tools=TOOLS, tool_choice={"type": "auto"}, **common
        )
        return summary(msg)
    if scenario in ("stream_text", "stream_tool"):
        kwargs = dict(common)
        if scenario == "stream_tool":
            kwargs.update(messages=[{"role": "user", "content": TOOL_PROMPT}], tools=TOOLS)
        else:
            kwargs.update(messages=[{"role": "user", "content": PROMPT}])
        events = []
        with client.messages.stream(**kwargs) as stream:
            for event in stream:
                events.append(event.type)
            msg = stream.get_final_message()
        text = "".join(b.text for b in msg.content if b.type == "text")
        return summary(msg, streamed_text=text, events=events)
    raise SystemExit(f"unknown scenario {scenario!r} (text, stream_text, tool, stream_tool)")


def main():
    base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ROUTEX_URL", "http://127.0.0.1:3000")
    scenario = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("ROUTEX_SCENARIO", "text")
    client = anthropic.Anthropic(base_url=base_url, api_key="sk-ant-client-key-not-forwarded", timeout=30.0)
    try:
        out = run(client, scenario)
    except anthropic.APIStatusError as e:
        err = {"type": type(e).__name__, "status_code": e.status_code, "message": e.message, "body": e.body}
        print(json.dumps({"error": err}))
        sys.exit(1)
    except anthropic.AnthropicError as e:
        print(json.dumps({"error": {"type": type(e).__name__, "status_code": None, "message": str(e)}}))
        sys.exit(1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
