using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>Writes Relay's token classes as a Chat Completions <c>usage</c> object.</summary>
internal static class ChatUsageWriter
{
    /// <summary>
    /// <c>prompt_tokens</c> is input + cache reads + cache writes, because OpenAI counts every prompt token there
    /// and reports the cached part again in <c>prompt_tokens_details.cached_tokens</c>. Cache writes have no OpenAI
    /// field (OpenAI does not bill them separately), so they appear only inside <c>prompt_tokens</c>.
    /// Anthropic does not break thinking out of <c>output_tokens</c>, so <c>reasoning_tokens</c> is not written.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, TokenUsage usage)
    {
        long prompt = usage.Input + usage.CacheRead + usage.CacheWrite5m + usage.CacheWrite1h;
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, prompt);
        writer.WriteNumber("completion_tokens"u8, usage.Output);
        writer.WriteNumber("total_tokens"u8, prompt + usage.Output);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CacheRead);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
