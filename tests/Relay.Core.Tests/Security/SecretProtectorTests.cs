using System.Security.Cryptography;
using Relay.Core.Security;

namespace Relay.Core.Tests.Security;

public sealed class SecretProtectorTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("sk-ant-api03-secret")]
    [InlineData("")]
    [InlineData("ünïcødé 🔑 and a long tail ................................................................")]
    public void Round_trips(string secret)
    {
        var protector = new SecretProtector(Key);

        Assert.Equal(secret, protector.Unprotect(protector.Protect(secret)));
    }

    [Fact]
    public void Blob_is_version_nonce_tag_ciphertext()
    {
        var blob = new SecretProtector(Key).Protect("hello");

        Assert.Equal(1 + 12 + 16 + 5, blob.Length);
        Assert.Equal(1, blob[0]);
        Assert.NotEqual("hello"u8.ToArray(), blob[29..]);
    }

    [Fact]
    public void Each_protect_uses_a_fresh_nonce()
    {
        var protector = new SecretProtector(Key);

        var a = protector.Protect("same");
        var b = protector.Protect("same");

        Assert.NotEqual(a[1..13], b[1..13]);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(0)] // version byte (authenticated as associated data)
    [InlineData(1)] // nonce
    [InlineData(13)] // tag
    [InlineData(29)] // ciphertext
    public void Any_flipped_bit_is_detected(int index)
    {
        var protector = new SecretProtector(Key);
        var blob = protector.Protect("secret-value");
        blob[index] ^= 0x01;

        var ex = Assert.Throws<SecretDecryptionException>(() => protector.Unprotect(blob));
        Assert.DoesNotContain("secret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_key_cannot_decrypt()
    {
        var blob = new SecretProtector(Key).Protect("secret-value");
        var otherKey = RandomNumberGenerator.GetBytes(32);

        var ex = Assert.Throws<SecretDecryptionException>(() => new SecretProtector(otherKey).Unprotect(blob));
        Assert.DoesNotContain("secret-value", ex.ToString(), StringComparison.Ordinal);
        Assert.IsAssignableFrom<CryptographicException>(ex);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(28)]
    public void Truncated_blobs_are_rejected(int length)
    {
        var protector = new SecretProtector(Key);
        var blob = protector.Protect("x")[..length];

        Assert.Throws<SecretDecryptionException>(() => protector.Unprotect(blob));
    }

    [Fact]
    public void Truncated_ciphertext_is_rejected()
    {
        var protector = new SecretProtector(Key);
        var blob = protector.Protect("abcdef");

        Assert.Throws<SecretDecryptionException>(() => protector.Unprotect(blob[..^1]));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Keys_must_be_32_bytes(int length)
    {
        Assert.Throws<ArgumentException>(() => new SecretProtector(new byte[length]));
    }

    [Fact]
    public void Changing_the_callers_key_array_afterwards_has_no_effect()
    {
        var key = (byte[])Key.Clone();
        var protector = new SecretProtector(key);
        var blob = protector.Protect("v");
        Array.Clear(key);

        Assert.Equal("v", protector.Unprotect(blob));
    }
}
