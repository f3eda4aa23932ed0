using Relay.Core.Security;

namespace Relay.Core.Tests.Security;

public sealed class RelayKeyGeneratorTests
{
    [Fact]
    public void New_keys_are_cr_plus_43_base62_characters()
    {
        var key = RelayKeyGenerator.NewKey();

        Assert.Equal(46, key.Length);
        Assert.StartsWith("cr_", key, StringComparison.Ordinal);
        Assert.All(key[3..], c => Assert.True(char.IsAsciiLetterOrDigit(c)));
        Assert.True(RelayKeyGenerator.LooksLikeKey(key));
    }

    [Fact]
    public void New_keys_are_distinct()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => RelayKeyGenerator.NewKey()).ToHashSet();

        Assert.Equal(1000, keys.Count);
    }

    [Fact]
    public void Hash_is_lower_case_hex_sha256_of_utf8()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", RelayKeyGenerator.Hash("abc"));
    }

    [Fact]
    public void Display_prefix_is_the_first_seven_characters()
    {
        Assert.Equal("cr_AbC4", RelayKeyGenerator.DisplayPrefix("cr_AbC4xyz"));
        Assert.Equal("cr_", RelayKeyGenerator.DisplayPrefix("cr_"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("cr_")]
    [InlineData("sk-ant-api03-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("cr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-")] // 43 + a symbol
    [InlineData("cr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 42: too short
    [InlineData("CR_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Junk_does_not_look_like_a_key(string candidate)
    {
        Assert.False(RelayKeyGenerator.LooksLikeKey(candidate));
    }

    [Fact]
    public void Overlong_input_does_not_look_like_a_key()
    {
        Assert.False(RelayKeyGenerator.LooksLikeKey("cr_" + new string('a', 129)));
        Assert.True(RelayKeyGenerator.LooksLikeKey("cr_" + new string('a', 128)));
    }
}
