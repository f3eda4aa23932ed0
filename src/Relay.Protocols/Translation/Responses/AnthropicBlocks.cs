using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// An Anthropic content block being assembled from Responses input. Blocks write their own fields; the message
/// writer opens and closes the object so it can add <c>cache_control</c> to the block that ends the cached prefix.
/// </summary>
internal abstract record AnthropicBlock
{
    /// <summary>Anthropic rejects <c>cache_control</c> on thinking blocks and on empty text.</summary>
    public virtual bool CanCarryCacheControl => true;

    public abstract void WriteFields(Utf8JsonWriter writer);

    public void Write(Utf8JsonWriter writer, bool cacheControl = false)
    {
        writer.WriteStartObject();
        WriteFields(writer);
        if (cacheControl)
        {
            writer.WriteStartObject("cache_control"u8);
            writer.WriteString("type"u8, "ephemeral"u8);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

internal sealed record TextBlock(string Text) : AnthropicBlock
{
    public override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, Text);
    }
}

/// <summary>An image or document given inline (base64) or, for images, by URL that Anthropic fetches itself.</summary>
internal sealed record MediaBlock(string Type, string? MediaType, string? Base64Data, string? Url) : AnthropicBlock
{
    public override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("type"u8, Type);
        writer.WriteStartObject("source"u8);
        if (Url is not null)
        {
            writer.WriteString("type"u8, "url"u8);
            writer.WriteString("url"u8, Url);
        }
        else
        {
            writer.WriteString("type"u8, "base64"u8);
            writer.WriteString("media_type"u8, MediaType);
            writer.WriteString("data"u8, Base64Data);
        }

        writer.WriteEndObject();
    }
}

/// <summary>A tool call; <see cref="Input"/> is a JSON object element of the request document, or null for a freeform input.</summary>
internal sealed record ToolUseBlock(string Id, string Name, JsonElement? Input, string? FreeformInput) : AnthropicBlock
{
    public override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("type"u8, "tool_use"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("name"u8, Name);
        writer.WritePropertyName("input"u8);
        if (Input is { } input)
        {
            input.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString(FreeformTool.InputProperty, FreeformInput ?? "");
            writer.WriteEndObject();
        }
    }
}

/// <summary>A tool's answer: a plain string, or blocks (text and images).</summary>
internal sealed record ToolResultBlock(string ToolUseId, string? Text, IReadOnlyList<AnthropicBlock>? Content) : AnthropicBlock
{
    public override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("type"u8, "tool_result"u8);
        writer.WriteString("tool_use_id"u8, ToolUseId);
        if (Content is null)
        {
            writer.WriteString("content"u8, Text ?? "");
            return;
        }

        writer.WriteStartArray("content"u8);
        foreach (var block in Content)
        {
            block.Write(writer);
        }

        writer.WriteEndArray();
    }
}

/// <summary>A thinking block restored from Relay's reasoning envelope, written back exactly as Claude produced it.</summary>
internal sealed record RestoredThinkingBlock(ThinkingBlock Block) : AnthropicBlock
{
    public override bool CanCarryCacheControl => false;

    public override void WriteFields(Utf8JsonWriter writer)
    {
        if (Block.IsRedacted)
        {
            writer.WriteString("type"u8, "redacted_thinking"u8);
            writer.WriteString("data"u8, Block.Text);
            return;
        }

        writer.WriteString("type"u8, "thinking"u8);
        writer.WriteString("thinking"u8, Block.Text);
        writer.WriteString("signature"u8, Block.Signature);
    }
}
