using Relay.Core.Snapshots;

namespace Relay.Core.Tests.Snapshots;

public sealed class GlobTests
{
    [Theory]
    [InlineData("claude-*-haiku-*", "claude-3-5-haiku-20241022", true)]
    [InlineData("claude-*", "claude-sonnet-4-5", true)]
    [InlineData("claude-sonnet-4-?", "claude-sonnet-4-5", true)]
    [InlineData("CLAUDE-*", "claude-opus-4-5", true)]
    [InlineData("claude-*-haiku-*", "claude-sonnet-4-5", false)]
    [InlineData("gpt-*", "claude-sonnet-4-5", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    [InlineData("*", "", true)]
    public void Matches_like_a_shell_glob(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Glob.IsMatch(pattern, text));

    [Fact]
    public void Pathological_patterns_stay_linear()
    {
        var text = new string('a', 10_000);
        Assert.False(Glob.IsMatch("*a*a*a*a*a*a*a*b", text));
    }
}
