using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// The system prompt and messages of the Anthropic request, assembled item by item. Consecutive items of one role
/// become one message: Anthropic wants the parallel tool calls of a turn in one assistant message and all their
/// results in the next user message ("tool_use ids were found without tool_result blocks immediately after").
/// </summary>
internal sealed class AnthropicConversation
{
    private readonly List<Message> _messages = [];

    public List<AnthropicBlock> System { get; } = [];

    public int MessageCount => _messages.Count;

    public void Add(string role, AnthropicBlock block)
    {
        if (_messages.Count == 0 || _messages[^1].Role != role)
        {
            _messages.Add(new Message(role, []));
        }

        var blocks = _messages[^1].Blocks;
        if (block is ToolResultBlock)
        {
            // Anthropic requires a user message's tool results before any other content; a user text that slipped
            // between a call and its output is kept, after the results.
            int at = blocks.FindIndex(b => b is not ToolResultBlock);
            blocks.Insert(at < 0 ? blocks.Count : at, block);
        }
        else
        {
            blocks.Add(block);
        }
    }

    /// <summary>
    /// True when the conversation ends inside a tool loop (the last message is tool results) whose assistant turn
    /// does not start with a thinking block — e.g. the call was made on an OpenAI account. Anthropic rejects
    /// thinking for such a request, so the caller turns thinking off for this one turn.
    /// </summary>
    public bool ToolLoopLacksThinking()
    {
        if (_messages.Count < 2 || _messages[^1].Role != "user" || _messages[^1].Blocks.Count == 0
            || _messages[^1].Blocks[0] is not ToolResultBlock)
        {
            return false;
        }

        var assistant = _messages[^2];
        return assistant.Role == "assistant" && (assistant.Blocks.Count == 0 || assistant.Blocks[0] is not RestoredThinkingBlock);
    }

    public void WriteSystem(Utf8JsonWriter writer, bool cacheBreakpoint)
    {
        writer.WriteStartArray("system"u8);
        for (int i = 0; i < System.Count; i++)
        {
            System[i].Write(writer, cacheBreakpoint && i == System.Count - 1);
        }

        writer.WriteEndArray();
    }

    public void WriteMessages(Utf8JsonWriter writer, bool cacheBreakpoint)
    {
        var marked = cacheBreakpoint ? LastCacheableBlock() : null;
        writer.WriteStartArray("messages"u8);
        foreach (var message in _messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, message.Role);
            writer.WriteStartArray("content"u8);
            foreach (var block in message.Blocks)
            {
                block.Write(writer, ReferenceEquals(block, marked));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The block that ends the conversation, where the cache breakpoint goes (the whole history before it is the cached prefix).</summary>
    private AnthropicBlock? LastCacheableBlock()
    {
        if (_messages.Count == 0)
        {
            return null;
        }

        var blocks = _messages[^1].Blocks;
        for (int i = blocks.Count - 1; i >= 0; i--)
        {
            if (blocks[i].CanCarryCacheControl)
            {
                return blocks[i];
            }
        }

        return null;
    }

    private sealed record Message(string Role, List<AnthropicBlock> Blocks);
}
