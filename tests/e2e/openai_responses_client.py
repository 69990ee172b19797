"""Drive Routex's Responses API with the official `openai` SDK, as a user would.

Usage: openai_responses_client.py BASE_URL SCENARIO
BASE_URL is Routex's root; the script appends /v1 like any OpenAI-compatible setup.

Scenarios:
  text         client.responses.create(instructions=..., input="Say hello")
  stream_text  client.responses.stream(...), iterating the events, then get_final_response()
  tool         client.responses.create(..., tools=[get_weather])
  stream_tool  client.responses.stream(..., tools=[get_weather]), the SDK reassembling the
               streamed argument fragments into the final function_call item
  round_trip   a tool call, then a second create() that sends the function_call item back
               with its function_call_output and gets the final text
  previous     create(previous_response_id=...): routex keeps no responses, so an error

Prints one JSON object on stdout: what the SDK gave back (output text, status, function
calls with parsed arguments, usage, event types). On an SDK exception prints
{"error": {type, status_code, message, body}} and exits 1.
"""

import json
import os
import sys

import openai

MODEL = os.environ.get("ROUTEX_MODEL", "gpt-4o")
SYSTEM = "You are a terse assistant."
PROMPT = "Say hello"
TOOL_PROMPT = "What is the weather in Paris?"
TOOL_OUTPUT = "sunny, 21 C"
TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["c", "f"]},
            },
            "required": ["city"],
        },
    }
]


def calls(response):
    return [
        {"call_id": i.call_id, "name": i.name, "arguments": json.loads(i.arguments or "{}")}
        for i in response.output
        if i.type == "function_call"
    ]


def describe(r, **extra):
    out = {
        "sdk": "openai",
        "sdk_version": openai.__version__,
        "id": r.id,
        "object": r.object,
        "model": r.model,
        "status": r.status,
        "text": r.output_text,
        "item_types": [i.type for i in r.output],
        "tool_calls": calls(r),
        "usage": r.usage.model_dump(exclude_none=True) if r.usage is not None else None,
    }
    out.update(extra)
    return out


def run(client, scenario):
    if scenario == "text":
        return describe(client.responses.create(model=MODEL, instructions=SYSTEM, input=PROMPT, store=False))
    if scenario == "tool":
        r = client.responses.create(model=MODEL, instructions=SYSTEM, input=TOOL_PROMPT, tools=TOOLS, store=False)
        return describe(r)
    if scenario in ("stream_text", "stream_tool"):
        kwargs = {"tools": TOOLS} if scenario == "stream_tool" else {}
        prompt = TOOL_PROMPT if scenario == "stream_tool" else PROMPT
        events, text = [], ""
        with client.responses.stream(model=MODEL, instructions=SYSTEM, input=prompt, store=False, **kwargs) as s:
            for event in s:
                events.append(event.type)
                if event.type == "response.output_text.delta":
                    text += event.delta
            final = s.get_final_response()
        return describe(final, events=events, streamed_text=text)
    if scenario == "round_trip":
        first = client.responses.create(
            model=MODEL, instructions=SYSTEM, input=TOOL_PROMPT, tools=TOOLS, store=False
        )
        items = [{"role": "user", "content": TOOL_PROMPT}]
        for i in first.output:
            if i.type == "function_call":
                items.append({"type": "function_call", "call_id": i.call_id, "name": i.name, "arguments": i.arguments})
                items.append({"type": "function_call_output", "call_id": i.call_id, "output": TOOL_OUTPUT})
        second = client.responses.create(model=MODEL, instructions=SYSTEM, input=items, tools=TOOLS, store=False)
        return describe(second, first=describe(first))
    if scenario == "previous":
        return describe(client.responses.create(model=MODEL, input=PROMPT, previous_response_id="resp_earlier"))
    raise SystemExit(f"unknown scenario {scenario!r}")


def main():
    base_url = sys.argv[1]
    scenario = sys.argv[2]
    client = openai.OpenAI(
        base_url=base_url.rstrip("/") + "/v1",
        api_key="sk-openai-client-key-not-forwarded",
        timeout=30.0,
        max_retries=0,
    )
    try:
        out = run(client, scenario)
    except openai.APIStatusError as e:
        err = {"type": type(e).__name__, "status_code": e.status_code, "message": e.message, "body": e.body}
        print(json.dumps({"error": err}))
        sys.exit(1)
    except openai.OpenAIError as e:
        print(json.dumps({"error": {"type": type(e).__name__, "status_code": None, "message": str(e)}}))
        sys.exit(1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
