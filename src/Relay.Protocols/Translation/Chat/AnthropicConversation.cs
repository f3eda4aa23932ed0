using System.Text.Json;

namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// The Anthropic side of a translated conversation while it is assembled: system blocks and alternating turns.
/// Chat allows several messages of one role in a row and sends each tool result as its own message; Anthropic
/// wants strict user/assistant alternation with all tool results of a turn in one user message, first
/// ("tool_use ids were found without tool_result blocks immediately after" otherwise). Blocks are kept as writers
/// over the parsed request, so nothing is serialized twice.
/// </summary>
internal sealed class AnthropicConversation
{
    private readonly List<Action<Utf8JsonWriter>> _system = [];
    private readonly List<Turn> _turns = [];

    public void AddSystem(Action<Utf8JsonWriter> block) => _system.Add(block);

    /// <summary>Appends blocks to the conversation, merging them into the previous turn when it has the same role.</summary>
    public void Add(string role, List<Action<Utf8JsonWriter>> blocks)
    {
        if (blocks.Count == 0)
        {
            return;
        }

        LastTurn(role).Blocks.AddRange(blocks);
    }

    /// <summary>Adds a tool result to the current user turn, after the tool results already there and before any other content.</summary>
    public void AddToolResult(Action<Utf8JsonWriter> block)
    {
        var turn = LastTurn("user");
        turn.Blocks.Insert(turn.ToolResults++, block);
    }

    public void WriteSystem(Utf8JsonWriter writer)
    {
        if (_system.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("system"u8);
        foreach (var block in _system)
        {
            block(writer);
        }

        writer.WriteEndArray();
    }

    public void WriteMessages(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("messages"u8);
        foreach (var turn in _turns)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, turn.Role);
            writer.WriteStartArray("content"u8);
            foreach (var block in turn.Blocks)
            {
                block(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private Turn LastTurn(string role)
    {
        if (_turns.Count == 0 || _turns[^1].Role != role)
        {
            _turns.Add(new Turn(role));
        }

        return _turns[^1];
    }

    private sealed class Turn(string role)
    {
        public string Role { get; } = role;

        public List<Action<Utf8JsonWriter>> Blocks { get; } = [];

        public int ToolResults { get; set; }
    }
}
