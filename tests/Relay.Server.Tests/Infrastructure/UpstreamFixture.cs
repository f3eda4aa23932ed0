namespace Relay.Server.Tests.Infrastructure;

/// <summary>One fake Anthropic upstream shared by every test of a class (tests use distinct prefixes).</summary>
public sealed class UpstreamFixture : IAsyncLifetime
{
    public FakeAnthropicUpstream Fake { get; private set; } = null!;

    public async Task InitializeAsync() => Fake = await FakeAnthropicUpstream.StartAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();
}
