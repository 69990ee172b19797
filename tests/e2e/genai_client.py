"""Drive Routex's Gemini API entry point with Google's `google-genai` SDK, as a user would.

Usage: genai_client.py BASE_URL SCENARIO
BASE_URL is Routex's root; the SDK adds /v1beta/models/{model}:generateContent itself.

Scenarios:
  text         models.generate_content(system_instruction=..., contents="Say hello")
  stream_text  models.generate_content_stream(...), joining the chunks' text
  tool         generate_content with a get_weather function declaration
  stream_tool  the same streamed
  round_trip   a function call, then a second call with the model's turn and the
               function_response, which gets the final text
  count        models.count_tokens
  list         models.list()

Prints one JSON object on stdout. On an SDK exception prints
{"error": {type, code, status, message}} and exits 1.
"""

import json
import os
import sys

from google import genai
from google.genai import errors, types

MODEL = os.environ.get("ROUTEX_MODEL", "gemini-2.5-flash")
SYSTEM = "You are a terse assistant."
PROMPT = "Say hello"
TOOL_PROMPT = "What is the weather in Paris?"
TOOL_OUTPUT = "sunny, 21 C"
WEATHER = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "parameters": {
        "type": "OBJECT",
        "properties": {
            "city": {"type": "STRING", "description": "City name"},
            "unit": {"type": "STRING", "enum": ["c", "f"]},
        },
        "required": ["city"],
    },
}


def config(tools):
    kwargs = {"system_instruction": SYSTEM}
    if tools:
        kwargs["tools"] = [types.Tool(function_declarations=[types.FunctionDeclaration(**WEATHER)])]
        kwargs["automatic_function_calling"] = types.AutomaticFunctionCallingConfig(disable=True)
    return types.GenerateContentConfig(**kwargs)


def calls_of(parts):
    return [
        {"id": p.function_call.id, "name": p.function_call.name, "arguments": dict(p.function_call.args or {})}
        for p in parts or []
        if p.function_call is not None
    ]


def describe(r, **extra):
    cand = r.candidates[0]
    parts = cand.content.parts if cand.content else []
    text = "".join(p.text for p in parts or [] if p.text and not p.thought)
    u = r.usage_metadata
    out = {
        "sdk": "google-genai",
        "sdk_version": genai.__version__,
        "text": text,
        "finish_reason": cand.finish_reason.name if cand.finish_reason else None,
        "tool_calls": calls_of(parts),
        "model_version": r.model_version,
        "usage": None
        if u is None
        else {
            "prompt": u.prompt_token_count,
            "candidates": u.candidates_token_count,
            "total": u.total_token_count,
            "cached": u.cached_content_token_count,
        },
    }
    out.update(extra)
    return out


def run(client, scenario):
    if scenario in ("text", "tool"):
        tools = scenario == "tool"
        prompt = TOOL_PROMPT if tools else PROMPT
        return describe(client.models.generate_content(model=MODEL, contents=prompt, config=config(tools)))
    if scenario in ("stream_text", "stream_tool"):
        tools = scenario == "stream_tool"
        prompt = TOOL_PROMPT if tools else PROMPT
        chunks, text, calls, last = 0, "", [], None
        for c in client.models.generate_content_stream(model=MODEL, contents=prompt, config=config(tools)):
            chunks += 1
            last = c
            cand = c.candidates[0] if c.candidates else None
            parts = cand.content.parts if cand and cand.content else []
            text += "".join(p.text for p in parts or [] if p.text and not p.thought)
            calls += calls_of(parts)
        out = describe(last, chunks=chunks)
        out["text"], out["tool_calls"] = text, calls
        return out
    if scenario == "round_trip":
        first = client.models.generate_content(model=MODEL, contents=TOOL_PROMPT, config=config(True))
        call = first.candidates[0].content.parts[0].function_call
        contents = [
            types.Content(role="user", parts=[types.Part(text=TOOL_PROMPT)]),
            first.candidates[0].content,
            types.Content(
                role="user", parts=[types.Part.from_function_response(name=call.name, response={"output": TOOL_OUTPUT})]
            ),
        ]
        second = client.models.generate_content(model=MODEL, contents=contents, config=config(True))
        return describe(second, first=describe(first))
    if scenario == "count":
        r = client.models.count_tokens(model=MODEL, contents=PROMPT)
        return {"total_tokens": r.total_tokens}
    if scenario == "list":
        return {"models": [m.name for m in client.models.list()]}
    raise SystemExit(f"unknown scenario {scenario!r}")


def main():
    base_url, scenario = sys.argv[1], sys.argv[2]
    client = genai.Client(
        api_key="genai-client-key-not-forwarded",
        http_options=types.HttpOptions(base_url=base_url, api_version="v1beta", timeout=30_000),
    )
    try:
        out = run(client, scenario)
    except errors.APIError as e:
        print(json.dumps({"error": {"type": type(e).__name__, "code": e.code, "status": e.status, "message": e.message}}))
        sys.exit(1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
