"""Drive Routex with the official `openai` SDK, as a user would.

Usage: openai_client.py BASE_URL SCENARIO   (or ROUTEX_URL / ROUTEX_SCENARIO)
BASE_URL is Routex's root; the script appends /v1 like any OpenAI-compatible setup.

Scenarios:
  text         chat.completions.create(...)
  stream_text  chat.completions.create(..., stream=True), iterating the chunks
  tool         chat.completions.create(..., tools=[get_weather])
  stream_tool  the SDK's stream helper (chat.completions.stream, or
               beta.chat.completions.stream in older SDKs) + get_final_completion(),
               which reassembles the streamed tool-call argument fragments

Prints one JSON object on stdout: what the SDK gave back (text, finish_reason,
tool calls with parsed arguments, usage). On an SDK exception prints
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
TOOLS = [
    {
        "type": "function",
        "function": {
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
        },
    }
]


def messages(prompt):
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]


def calls(tool_calls):
    return [
        {"id": c.id, "name": c.function.name, "arguments": json.loads(c.function.arguments or "{}")}
        for c in (tool_calls or [])
    ]


def usage(u):
    return u.model_dump(exclude_none=True) if u is not None else None


def from_completion(c, **extra):
    choice = c.choices[0]
    out = {
        "sdk": "openai",
        "sdk_version": openai.__version__,
        "id": c.id,
        "model": c.model,
        "object": c.object,
        "role": choice.message.role,
        "text": choice.message.content or "",
        "finish_reason": choice.finish_reason,
        "tool_calls": calls(choice.message.tool_calls),
        "usage": usage(c.usage),
    }
    out.update(extra)
    return out


def stream_helper(client):
    # Promoted out of beta in later SDKs; use whichever the pinned version has.
    if hasattr(client.chat.completions, "stream"):
        return client.chat.completions.stream
    return client.beta.chat.completions.stream


def run(client, scenario):
    if scenario == "text":
        return from_completion(client.chat.completions.create(model=MODEL, messages=messages(PROMPT)))
    if scenario == "tool":
        c = client.chat.completions.create(
            model=MODEL, messages=messages(TOOL_PROMPT), tools=TOOLS, tool_choice="auto"
        )
        return from_completion(c)
    if scenario == "stream_text":
        text, finish, last_usage, chunks, objects, ids, models = "", None, None, 0, set(), set(), set()
        stream = client.chat.completions.create(
            model=MODEL, messages=messages(PROMPT), stream=True, stream_options={"include_usage": True}
        )
        for chunk in stream:
            chunks += 1
            objects.add(chunk.object)
            ids.add(chunk.id)
            models.add(chunk.model)
            if chunk.usage is not None:
                last_usage = chunk.usage
            for choice in chunk.choices:
                if choice.delta.content:
                    text += choice.delta.content
                if choice.finish_reason:
                    finish = choice.finish_reason
        return {
            "sdk": "openai",
            "sdk_version": openai.__version__,
            "model": models.pop() if len(models) == 1 else sorted(models),
            "text": text,
            "finish_reason": finish,
            "tool_calls": [],
            "usage": usage(last_usage),
            "chunks": chunks,
            "objects": sorted(objects),
            "distinct_ids": len(ids),
        }
    if scenario == "stream_tool":
        events = []
        with stream_helper(client)(
            model=MODEL,
            messages=messages(TOOL_PROMPT),
            tools=TOOLS,
            stream_options={"include_usage": True},
        ) as stream:
            for event in stream:
                events.append(event.type)
            final = stream.get_final_completion()
        return from_completion(final, events=events)
    raise SystemExit(f"unknown scenario {scenario!r} (text, stream_text, tool, stream_tool)")


def main():
    base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ROUTEX_URL", "http://127.0.0.1:3000")
    scenario = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("ROUTEX_SCENARIO", "text")
    client = openai.OpenAI(
        base_url=base_url.rstrip("/") + "/v1", api_key="sk-openai-client-key-not-forwarded", timeout=30.0
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
