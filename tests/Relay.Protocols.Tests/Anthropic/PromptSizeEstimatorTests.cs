using System.Text;
using Relay.Protocols.Anthropic;

namespace Relay.Protocols.Tests.Anthropic;

/// <summary>The prompt estimate reserved against token and cost limits: text by size, base64 blocks as a flat count.</summary>
public sealed class PromptSizeEstimatorTests
{
    private static long Estimate(string json) => PromptSizeEstimator.EstimateInputTokens(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Text_counts_at_about_four_bytes_a_token()
    {
        var small = Estimate("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        var large = Estimate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 40_000) + "\"}]}");

        Assert.InRange(small, 1, 10);
        Assert.InRange(large, 10_000, 10_010);
    }

    [Fact]
    public void A_base64_image_counts_as_one_block_not_by_its_size()
    {
        var image = Convert.ToBase64String(new byte[3_000_000]);
        var json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + image + "\"}}]}]}";

        Assert.InRange(Estimate(json), PromptSizeEstimator.TokensPerBinaryBlock, PromptSizeEstimator.TokensPerBinaryBlock + 20);
    }

    [Fact]
    public void Thinking_signatures_are_not_counted_as_text()
    {
        var signature = new string('S', 20_000);
        var json = "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"ok\",\"signature\":\"" + signature + "\"}]}]}";

        Assert.True(Estimate(json) < 50);
    }

    [Fact]
    public void Not_json_estimates_nothing_instead_of_throwing()
    {
        Assert.Equal(0, Estimate("{\"messages\": [ broken"));
        Assert.Equal(0, Estimate(""));
    }
}
