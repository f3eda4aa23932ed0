using Relay.Core.Security;

namespace Relay.Core.Tests.Security;

public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_verifies_its_password_and_nothing_else()
    {
        var stored = PasswordHasher.Hash("correct horse battery staple");
        Assert.True(PasswordHasher.Verify("correct horse battery staple", stored));
        Assert.False(PasswordHasher.Verify("correct horse battery stapl", stored));
        Assert.False(PasswordHasher.Verify("Correct horse battery staple", stored));
        Assert.False(PasswordHasher.Verify("", stored));
        Assert.DoesNotContain("correct horse", stored, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stored_form_names_algorithm_and_iterations_and_salts_each_hash()
    {
        var stored = PasswordHasher.Hash("same password");
        var parts = stored.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.NotEqual(stored, PasswordHasher.Hash("same password"));
        Assert.False(PasswordHasher.NeedsRehash(stored));
    }

    [Fact]
    public void A_hash_with_fewer_iterations_still_verifies_and_asks_for_a_rehash()
    {
        var stored = PasswordHasher.Hash("older password", iterations: 1_000);
        Assert.True(PasswordHasher.Verify("older password", stored));
        Assert.True(PasswordHasher.NeedsRehash(stored));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("md5$1$abc$def")]
    [InlineData("pbkdf2-sha256$x$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$not base64!$AAAA")]
    public void A_malformed_stored_hash_never_verifies(string stored) =>
        Assert.False(PasswordHasher.Verify("plaintext", stored));

    [Fact]
    public void Verifying_an_unknown_user_always_fails() =>
        Assert.False(PasswordHasher.VerifyNothing("anything"));
}
