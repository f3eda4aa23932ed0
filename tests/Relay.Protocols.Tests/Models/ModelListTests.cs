using System.Text;
using System.Text.Json;
using Relay.Protocols.Models;

namespace Relay.Protocols.Tests.Models;

/// <summary>The two model-list wire shapes and Anthropic's cursor paging.</summary>
public sealed class ModelListTests
{
    private static readonly DateTimeOffset Added = new(2026, 2, 3, 4, 5, 6, TimeSpan.Zero);
    private static readonly ModelEntry[] Models = [.. new[] { "a", "b", "c", "d", "e" }.Select(id => new ModelEntry(id, Added, "anthropic"))];

    private static string[] Ids(IReadOnlyList<ModelEntry> page) => [.. page.Select(m => m.Id)];

    [Fact]
    public void Cursors_compare_by_id_so_a_vanished_cursor_still_lands_in_place()
    {
        AssertPage(["a", "b"], true, AnthropicModelList.Page(Models, 2, null, null));
        AssertPage(["c", "d"], true, AnthropicModelList.Page(Models, 2, "b", null));
        AssertPage(["c", "d"], true, AnthropicModelList.Page(Models, 2, "bb", null));
        AssertPage(["e"], false, AnthropicModelList.Page(Models, 2, "d", null));
        AssertPage(["b", "c"], true, AnthropicModelList.Page(Models, 2, null, "d"));
        AssertPage(["a"], false, AnthropicModelList.Page(Models, 2, null, "b"));
        AssertPage([], false, AnthropicModelList.Page(Models, 2, null, "a"));
    }

    [Fact]
    public void Anthropic_shape_has_type_display_name_rfc3339_created_at_and_page_ids()
    {
        using var json = JsonDocument.Parse(AnthropicModelList.List(Models[1..3], hasMore: true));
        var root = json.RootElement;

        Assert.Equal("""{"type":"model","id":"b","display_name":"b","created_at":"2026-02-03T04:05:06Z"}""", root.GetProperty("data")[0].GetRawText());
        Assert.True(root.GetProperty("has_more").GetBoolean());
        Assert.Equal("b", root.GetProperty("first_id").GetString());
        Assert.Equal("c", root.GetProperty("last_id").GetString());
    }

    [Fact]
    public void OpenAI_shape_has_unix_created_and_owner_and_an_unknown_time_is_the_epoch()
    {
        var unknown = new ModelEntry("x", default, "openai");

        Assert.Equal(
            """{"object":"list","data":[{"id":"a","object":"model","created":1770091506,"owned_by":"anthropic"}]}""",
            Encoding.UTF8.GetString(OpenAIModelList.List(Models[..1])));
        Assert.Equal("""{"id":"x","object":"model","created":0,"owned_by":"openai"}""", Encoding.UTF8.GetString(OpenAIModelList.Model(unknown)));
    }

    private static void AssertPage(string[] ids, bool hasMore, (IReadOnlyList<ModelEntry> Page, bool HasMore) page)
    {
        Assert.Equal(ids, Ids(page.Page));
        Assert.Equal(hasMore, page.HasMore);
    }
}
