using Relay.Core.Pricing;
using Relay.Core.Settings;
using Relay.Core.Snapshots;
using Relay.Server.Inference;

namespace Relay.Server.Tests.Proxy;

public sealed class ContentCaptureTests
{
    private static RelaySnapshot Snapshot(RelaySettings settings) => new(1, [], [], PriceBook.Shipped, settings: settings);

    [Fact]
    public void Off_means_no_capture_at_all()
    {
        Assert.Null(ContentCapture.For(RelaySnapshot.Empty));
        Assert.Null(ContentCapture.For(Snapshot(RelaySettings.Default)));
    }

    [Fact]
    public void Keeps_the_first_max_bytes_across_chunks_and_counts_all()
    {
        var capture = ContentCapture.For(Snapshot(RelaySettings.Default with { LogContent = true, ContentMaxBytes = 1024 }))!;
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i % 251)).ToArray();
        for (var offset = 0; offset < data.Length; offset += 700)
        {
            capture.Append(data.AsSpan(offset, Math.Min(700, data.Length - offset)));
        }

        var request = new byte[1500];
        var content = capture.ToContent(request);
        Assert.Equal(data.AsSpan(0, 1024).ToArray(), content.Response.ToArray());
        Assert.Equal(5000, content.ResponseBytes);
        Assert.True(content.ResponseTruncated);
        Assert.Equal(1024, content.Request.Length);
        Assert.Equal(1500, content.RequestBytes);
        Assert.True(content.RequestTruncated);
        Assert.True(content.MemoryBytes >= 2048);
    }

    [Fact]
    public void A_short_body_is_kept_whole()
    {
        var capture = ContentCapture.For(Snapshot(RelaySettings.Default with { LogContent = true }))!;
        capture.Append("{\"ok\":true}"u8);
        var content = capture.ToContent("{}"u8);
        Assert.Equal("{\"ok\":true}"u8.ToArray(), content.Response.ToArray());
        Assert.False(content.ResponseTruncated);
        Assert.False(content.RequestTruncated);
        Assert.Equal(2, content.RequestBytes);
    }
}
