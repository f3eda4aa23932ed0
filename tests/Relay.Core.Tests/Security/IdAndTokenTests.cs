using Relay.Core.Security;

namespace Relay.Core.Tests.Security;

public sealed class IdAndTokenTests
{
    [Fact]
    public void Ids_are_prefix_underscore_and_16_base62_characters()
    {
        var id = IdGenerator.New("acc");

        Assert.Equal(4 + 16, id.Length);
        Assert.StartsWith("acc_", id, StringComparison.Ordinal);
        Assert.All(id[4..], c => Assert.True(char.IsAsciiLetterOrDigit(c)));
        Assert.NotEqual(id, IdGenerator.New("acc"));
    }

    [Fact]
    public void Ids_need_a_prefix()
    {
        Assert.Throws<ArgumentException>(() => IdGenerator.New(""));
    }

    [Theory]
    [InlineData("token", "token", true)]
    [InlineData("token", "tokem", false)]
    [InlineData("token", "token-longer", false)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData("ünï", "ünï", true)]
    public void Fixed_time_equals_compares_exactly(string a, string b, bool equal)
    {
        Assert.Equal(equal, TokenComparer.FixedTimeEquals(a, b));
    }
}
