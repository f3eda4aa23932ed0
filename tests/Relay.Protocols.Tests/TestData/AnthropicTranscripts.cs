namespace Relay.Protocols.Tests.TestData;

/// <summary>
/// Recorded-shape Anthropic Messages traffic: the event order, field names and usage placement follow the API's
/// streaming documentation (message_start carries the initial usage, message_delta the cumulative final counts).
/// </summary>
internal static class AnthropicTranscripts
{
    /// <summary>Extended thinking, a text block and two parallel tool calls, with 1-hour cache writes and cache reads.</summary>
    public const string ToolUseStream = """
        event: message_start
        data: {"type":"message_start","message":{"model":"claude-sonnet-4-5-20250929","id":"msg_01Lx9QxTPWBdXK2NjbdB2yUG","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":2048,"cache_read_input_tokens":18432,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":2048},"output_tokens":3,"service_tier":"standard"}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user wants the weather in two cities. "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"I can call get_weather for both in parallel."}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6Bc+Lz5Hq0nXQ3cU1dHZpbQ=="}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"I'll check both cities at once — "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"one moment.\n"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"location\": \"San Fra"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"ncisco, CA\", \"unit\": \"celsius\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        event: content_block_start
        data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_01E5RbVnFkq8Kx1ppu9SW7m2","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"location\": \"Paris, Fr"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"ance\", \"unit\": \"celsius\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":3}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":12,"cache_creation_input_tokens":2048,"cache_read_input_tokens":18432,"output_tokens":187}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    public const int ToolUseStreamEventCount = 23;

    /// <summary>The same message as <see cref="ToolUseStream"/>, non-streamed.</summary>
    public const string ToolUseJson = """
        {"model":"claude-sonnet-4-5-20250929","id":"msg_01Lx9QxTPWBdXK2NjbdB2yUG","type":"message","role":"assistant","content":[{"type":"thinking","thinking":"The user wants the weather in two cities. I can call get_weather for both in parallel.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6Bc+Lz5Hq0nXQ3cU1dHZpbQ=="},{"type":"text","text":"I'll check both cities at once — one moment.\n"},{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{"location":"San Francisco, CA","unit":"celsius"}},{"type":"tool_use","id":"toolu_01E5RbVnFkq8Kx1ppu9SW7m2","name":"get_weather","input":{"location":"Paris, France","unit":"celsius"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":2048,"cache_read_input_tokens":18432,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":2048},"output_tokens":187,"service_tier":"standard"}}
        """;

    /// <summary>A plain text answer in the older usage shape: cache writes without the TTL breakdown, output only in message_delta.</summary>
    public const string TextStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-3-5-sonnet-20240620","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":1024,"cache_read_input_tokens":0,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"! How can I help?"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    public const string TextJson = """
        {"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[{"type":"text","text":"Hello! How can I help?"}],"model":"claude-3-5-sonnet-20240620","stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":1024,"cache_read_input_tokens":0,"output_tokens":15}}
        """;

    /// <summary>A 200 stream whose first event is an error: the relay should fail over.</summary>
    public const string OverloadedStream = """
        event: error
        data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


        """;
}
