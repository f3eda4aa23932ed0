using System.Text.Json;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>One content part of a Chat message: text, an image URL, or a file given inline.</summary>
internal sealed record ChatPart(string Type, string? Text = null, string? Url = null, string? Detail = null, string? FileData = null, string? FileName = null);

/// <summary>One entry of an assistant message's <c>tool_calls</c>; <c>arguments</c> is JSON text, as Chat wants it.</summary>
internal sealed record ChatToolCall(string Id, string Name, string Arguments);

/// <summary>A Chat message being built from Responses items.</summary>
internal sealed class ChatMessage(string role)
{
    public string Role { get; } = role;

    public List<ChatPart> Parts { get; } = [];

    public List<ChatToolCall> ToolCalls { get; } = [];

    public string? ToolCallId { get; init; }

    public string? ReasoningContent { get; set; }

    public bool IsEmptyAssistant => Role == "assistant" && Parts.Count == 0 && ToolCalls.Count == 0;
}

/// <summary>
/// Chat's <c>messages</c>, built from the Responses <c>instructions</c> and <c>input</c> items in order:
/// consecutive function calls (and the assistant text before them) share one assistant message, each output becomes
/// a <c>tool</c> message, and images a tool returned (Chat tool messages hold text only) follow as a user message
/// after the run of tool messages.
/// </summary>
internal sealed class ChatConversation
{
    private readonly List<ChatPart> _toolImages = [];

    public List<ChatMessage> Messages { get; } = [];

    /// <summary>User or assistant messages (system messages alone are nothing to answer).</summary>
    public int TurnCount => Messages.Count(m => m.Role != "system" && !m.IsEmptyAssistant);

    public void AddSystem(string text)
    {
        FlushToolImages();
        var message = new ChatMessage("system");
        message.Parts.Add(new ChatPart("text", text));
        Messages.Add(message);
    }

    public void AddUser(List<ChatPart> parts)
    {
        FlushToolImages();
        var message = new ChatMessage("user");
        message.Parts.AddRange(parts);
        Messages.Add(message);
    }

    /// <summary>Assistant text joins the open assistant message unless that one already made tool calls.</summary>
    public void AddAssistantText(List<ChatPart> parts)
    {
        FlushToolImages();
        var message = OpenAssistant(allowAfterCalls: false);
        message.Parts.AddRange(parts);
    }

    public void AddToolCall(ChatToolCall call)
    {
        FlushToolImages();
        OpenAssistant(allowAfterCalls: true).ToolCalls.Add(call);
    }

    /// <summary>Reasoning goes first in the assistant message that follows it, so it starts a new one unless the open one is still empty.</summary>
    public void AddReasoning(string reasoning)
    {
        FlushToolImages();
        var last = Messages.Count > 0 ? Messages[^1] : null;
        if (last is null || !last.IsEmptyAssistant || last.ReasoningContent is not null)
        {
            last = new ChatMessage("assistant");
            Messages.Add(last);
        }

        last.ReasoningContent = reasoning;
    }

    public void AddToolOutput(string callId, string text, List<ChatPart> images)
    {
        var message = new ChatMessage("tool") { ToolCallId = callId };
        message.Parts.Add(new ChatPart("text", text));
        Messages.Add(message);
        _toolImages.AddRange(images);
    }

    /// <summary>Ends the conversation: images still waiting behind tool messages become the last user message.</summary>
    public void Finish() => FlushToolImages();

    public void WriteMessages(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("messages"u8);
        foreach (var message in Messages)
        {
            // An assistant message that ended up with neither text nor calls (reasoning left out) says nothing.
            if (message.IsEmptyAssistant && message.ReasoningContent is null)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, message.Role);
            WriteContent(writer, message);
            if (message.ReasoningContent is not null)
            {
                writer.WriteString("reasoning_content"u8, message.ReasoningContent);
            }

            if (message.ToolCallId is not null)
            {
                writer.WriteString("tool_call_id"u8, message.ToolCallId);
            }

            if (message.ToolCalls.Count > 0)
            {
                writer.WriteStartArray("tool_calls"u8);
                foreach (var call in message.ToolCalls)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, call.Id);
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, call.Name);
                    writer.WriteString("arguments"u8, call.Arguments);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Text-only content is written as one string (parts joined by a newline): DeepSeek and several other hosts accept
    /// only a string there. Content with an image or a file is written as parts. An assistant message with only tool
    /// calls has <c>content: null</c>.
    /// </summary>
    private static void WriteContent(Utf8JsonWriter writer, ChatMessage message)
    {
        if (message.Parts.Count == 0)
        {
            if (message.Role == "assistant")
            {
                writer.WriteNull("content"u8);
            }
            else
            {
                writer.WriteString("content"u8, ""u8);
            }

            return;
        }

        if (message.Parts.TrueForAll(p => p.Type == "text"))
        {
            writer.WriteString("content"u8, string.Join('\n', message.Parts.Select(p => p.Text)));
            return;
        }

        writer.WriteStartArray("content"u8);
        foreach (var part in message.Parts)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, part.Type);
            switch (part.Type)
            {
                case "text":
                    writer.WriteString("text"u8, part.Text);
                    break;
                case "image_url":
                    writer.WriteStartObject("image_url"u8);
                    writer.WriteString("url"u8, part.Url);
                    if (part.Detail is { } detail)
                    {
                        writer.WriteString("detail"u8, detail);
                    }

                    writer.WriteEndObject();
                    break;
                case "file":
                    writer.WriteStartObject("file"u8);
                    writer.WriteString("file_data"u8, part.FileData);
                    if (part.FileName is { } name)
                    {
                        writer.WriteString("filename"u8, name);
                    }

                    writer.WriteEndObject();
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private ChatMessage OpenAssistant(bool allowAfterCalls)
    {
        if (Messages.Count > 0 && Messages[^1] is { Role: "assistant" } last && (allowAfterCalls || last.ToolCalls.Count == 0))
        {
            return last;
        }

        var message = new ChatMessage("assistant");
        Messages.Add(message);
        return message;
    }

    private void FlushToolImages()
    {
        if (_toolImages.Count == 0)
        {
            return;
        }

        var message = new ChatMessage("user");
        message.Parts.Add(new ChatPart("text", "Images returned by the tool calls above:"));
        message.Parts.AddRange(_toolImages);
        _toolImages.Clear();
        Messages.Add(message);
    }
}
