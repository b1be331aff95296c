"""Matrix rows for agent frameworks pointed at Gangway: langchain-openai's ChatOpenAI,
strands-agents on its OpenAI model provider, and openai-agents on its chat-completions model.
Each completes a whole tool loop: the model calls a tool, the framework runs it, sends the
result back through the door, and the model answers.

On llama the tool call is forced with `tool_choice` naming the function (the llama server's
chatml-function-calling format turns that into a grammar), since a random-weight model never
decides to call a tool by itself; the answer after the tool result is free text."""

from __future__ import annotations

import asyncio

import openai
import pytest

from matrix import not_applicable
from matrix_support import MESSAGES, forced

TOOL_RESULT = "sunny for 3 days"
QUESTION = MESSAGES[0]["content"]
TOOL = {
    "type": "function",
    "function": {
        "name": "weather",
        "description": "Weather forecast for the next few days.",
        "parameters": {"type": "object", "properties": {"days": {"type": "integer"}}, "required": ["days"]},
    },
}


def weather(days: int) -> str:
    """Weather forecast for the next few days."""
    # An integer argument: the mock fills it with 42, and llama's grammar keeps it short.
    assert isinstance(days, int)
    return f"{TOOL_RESULT} ({days})"


def assert_final_answer(backend, text: str) -> None:
    assert isinstance(text, str)
    if backend.is_mock:
        # The mock quotes the last tool result, so it must have gone back through the door.
        assert TOOL_RESULT in text, text


# MARK: langchain-openai


def chat_openai(backend, base_url: str | None = None, **options):
    from langchain_openai import ChatOpenAI

    settings = {"temperature": 0, "max_tokens": 200} if not backend.is_mock else {}
    return ChatOpenAI(
        base_url=base_url or backend.openai_base,
        api_key=backend.token(),
        model="",
        max_retries=0,
        timeout=30,
        **settings,
        **options,
    )


@pytest.mark.matrix("langchain-openai", "ChatOpenAI.invoke")
def test_langchain_invoke(backend):
    answer = chat_openai(backend).invoke(QUESTION)
    assert isinstance(answer.content, str)
    assert answer.response_metadata["finish_reason"] in ("stop", "length")
    assert answer.usage_metadata["input_tokens"] > 0
    if backend.is_mock:
        assert answer.content and answer.usage_metadata["output_tokens"] > 0


@pytest.mark.matrix("langchain-openai", "ChatOpenAI.stream (stream_usage)")
def test_langchain_stream(backend):
    def streamed(llm):
        chunks = list(llm.stream(QUESTION))
        assert len(chunks) >= 2
        whole = chunks[0]
        for chunk in chunks[1:]:
            whole += chunk
        return whole

    whole = streamed(chat_openai(backend, stream_usage=True))
    assert isinstance(whole.content, str)
    if backend.is_mock:
        # (llama-cpp-python's streams sometimes end without a finish_reason chunk, in runs
        # where its detokenizer holds back a partial character; not asserted there.)
        assert whole.response_metadata["finish_reason"] in ("stop", "length")
        # Only the mock is exactly reproducible (llama's random weights flip greedy choices).
        direct = streamed(chat_openai(backend, base_url=backend.instance.openai_base, stream_usage=True))
        assert whole.content == direct.content
        assert whole.usage_metadata["output_tokens"] > 0
    # (llama-cpp-python sends no usage chunk; see the openai include_usage row.)


@pytest.mark.matrix("langchain-openai", "bind_tools full tool loop")
def test_langchain_tool_loop(backend):
    from langchain_core.messages import HumanMessage, ToolMessage
    from langchain_core.tools import tool

    if not backend.is_mock and llama_rejects_null_assistant_content(backend):
        not_applicable(NULL_CONTENT_REJECTED.format(client="langchain"))
    get_weather = tool(weather)
    llm = chat_openai(backend, base_url=backend.tool_openai_base)
    messages = [HumanMessage(QUESTION)]
    call_turn = llm.bind_tools([get_weather], tool_choice="weather").invoke(messages)
    assert len(call_turn.tool_calls) == 1, call_turn
    call = call_turn.tool_calls[0]
    assert call["name"] == "weather" and isinstance(call["args"]["days"], int)
    result = get_weather.invoke(call)
    assert isinstance(result, ToolMessage) and result.tool_call_id == call["id"]
    answer = llm.bind_tools([get_weather]).invoke(messages + [call_turn, result])
    assert not answer.tool_calls
    assert_final_answer(backend, answer.content)


@pytest.mark.matrix("langchain-openai", "bind_tools streamed tool call chunks")
def test_langchain_streamed_tool_call(backend):
    from langchain_core.tools import tool

    if not backend.is_mock and llama_repeats_tool_names(backend):
        not_applicable(
            "llama-cpp-python repeats the function name in every tool-call delta (OpenAI sends it once), "
            "so any client that concatenates deltas, langchain included, doubles it; seen without Gangway too"
        )
    llm = chat_openai(backend, base_url=backend.tool_openai_base).bind_tools([tool(weather)], tool_choice="weather")
    merged = None
    chunks = 0
    for chunk in llm.stream(QUESTION):
        merged = chunk if merged is None else merged + chunk
        chunks += 1
    assert chunks > 3
    assert [call["name"] for call in merged.tool_calls] == ["weather"]
    assert isinstance(merged.tool_calls[0]["args"]["days"], int)


def llama_repeats_tool_names(backend) -> bool:
    """Asks the llama server directly (no Gangway) for a streamed forced tool call."""
    client = openai.OpenAI(base_url=backend.tool_instance_base, api_key="unused", max_retries=0, timeout=30)
    stream = client.chat.completions.create(
        model="", messages=MESSAGES, tools=[TOOL], tool_choice=forced("weather"), stream=True, max_tokens=32, temperature=0
    )
    names = [d.function.name for c in stream if c.choices for d in c.choices[0].delta.tool_calls or [] if d.function.name]
    return len(names) > 1


NULL_CONTENT_REJECTED = (
    "llama-cpp-python's server rejects (500) an assistant turn with content null and tool calls, "
    "which OpenAI allows and {client} sends; seen without Gangway too"
)


def llama_rejects_null_assistant_content(backend) -> bool:
    """Asks the llama server directly whether it takes an assistant turn with `content: null`
    and tool calls, as the OpenAI API allows and agent SDKs send it."""
    messages = MESSAGES + [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"days\": 1}"}}
        ]},
        {"role": "tool", "tool_call_id": "call_1", "content": TOOL_RESULT},
    ]
    client = openai.OpenAI(base_url=backend.tool_instance_base, api_key="unused", max_retries=0, timeout=30)
    try:
        client.chat.completions.create(model="", messages=messages, max_tokens=4)
    except openai.InternalServerError:
        return True
    return False


@pytest.mark.matrix("langchain-openai", "model 4xx raises openai.BadRequestError")
def test_langchain_error(backend):
    if backend.is_mock:
        llm = chat_openai(backend, extra_body={"mock": {"status": 400}})
        ask = QUESTION
    else:
        llm = chat_openai(backend)
        ask = "word " * 700  # longer than the llama server's context
    with pytest.raises(openai.BadRequestError) as caught:
        llm.invoke(ask)
    assert caught.value.status_code == 400


# MARK: strands-agents


def strands_agent(backend):
    from strands import Agent, tool
    from strands.models.openai import OpenAIModel

    class FirstTurnCallsTool(OpenAIModel):
        """On llama, the turn that answers the user's question must call the tool (strands'
        own `tool_choice` parameter); later turns are left to the model."""

        def stream(self, messages, tool_specs=None, system_prompt=None, *, tool_choice=None, **kwargs):
            if not backend.is_mock and tool_choice is None and messages[-1]["role"] == "user":
                if not any("toolResult" in block for block in messages[-1]["content"]):
                    tool_choice = {"tool": {"name": "weather"}}
            return super().stream(messages, tool_specs, system_prompt, tool_choice=tool_choice, **kwargs)

    params = {"temperature": 0, "max_tokens": 200} if not backend.is_mock else {}
    model = FirstTurnCallsTool(
        client_args={"base_url": backend.tool_openai_base, "api_key": backend.token(), "max_retries": 0},
        model_id="",
        params=params,
    )
    return Agent(model=model, tools=[tool(weather)], callback_handler=None)


@pytest.mark.matrix("strands-agents", "Agent tool loop on OpenAIModel (streamed)")
def test_strands_tool_loop(backend):
    agent = strands_agent(backend)
    result = agent(QUESTION)
    assert result.stop_reason == "end_turn" or (not backend.is_mock and result.stop_reason == "max_tokens")
    uses = [block["toolUse"] for message in agent.messages for block in message["content"] if "toolUse" in block]
    results = [block["toolResult"] for message in agent.messages for block in message["content"] if "toolResult" in block]
    assert [use["name"] for use in uses] == ["weather"]
    assert len(results) == 1 and results[0]["status"] == "success", results
    assert TOOL_RESULT in results[0]["content"][0]["text"]
    assert_final_answer(backend, str(result))


# MARK: openai-agents


@pytest.mark.matrix("openai-agents", "Agent + function tool on chat-completions model")
def test_openai_agents_tool_loop(backend):
    from agents import Agent, ModelSettings, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled
    from agents.items import ToolCallItem, ToolCallOutputItem

    if not backend.is_mock and llama_rejects_null_assistant_content(backend):
        not_applicable(NULL_CONTENT_REJECTED.format(client="openai-agents"))
    set_tracing_disabled(True)  # nothing may be exported to a tracing service

    async def run():
        client = openai.AsyncOpenAI(base_url=backend.tool_openai_base, api_key=backend.token(), max_retries=0, timeout=30)
        settings = {"temperature": 0, "max_tokens": 200} if not backend.is_mock else {}
        agent = Agent(
            name="weather",
            instructions="Answer with the weather tool.",
            model=OpenAIChatCompletionsModel(model="", openai_client=client),
            tools=[function_tool(weather)],
            # Forced on the first turn; the SDK resets it to auto after the tool ran
            # (reset_tool_choice), so the loop ends with the model's answer.
            model_settings=ModelSettings(tool_choice="weather", **settings),
        )
        try:
            return await Runner.run(agent, QUESTION, max_turns=4)
        finally:
            await client.close()

    result = asyncio.run(run())
    calls = [item for item in result.new_items if isinstance(item, ToolCallItem)]
    outputs = [item for item in result.new_items if isinstance(item, ToolCallOutputItem)]
    assert len(calls) == 1 and calls[0].raw_item.name == "weather"
    assert len(outputs) == 1 and TOOL_RESULT in str(outputs[0].output)
    assert_final_answer(backend, result.final_output)
