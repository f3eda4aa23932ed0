using System.Security.Cryptography;
using System.Text;
using Relay.Core.Security;

namespace Relay.Core.Tests.Security;

public sealed class MasterKeyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "relay-masterkey-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void A_configured_base64_32_byte_key_is_used_as_is()
    {
        var key = RandomNumberGenerator.GetBytes(32);

        var loaded = MasterKey.LoadOrCreate(_root, "  " + Convert.ToBase64String(key) + "\n");

        Assert.Equal(key, loaded);
        Assert.False(Directory.Exists(_root));
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("c2hvcnQ=")] // base64, but of 5 bytes: a passphrase like any other
    public void Any_other_configured_value_is_a_passphrase_hashed_with_sha256(string passphrase)
    {
        var loaded = MasterKey.LoadOrCreate(_root, passphrase);

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(passphrase)), loaded);
    }

    [Fact]
    public void Base64_of_more_than_32_bytes_is_a_passphrase_too()
    {
        var value = Convert.ToBase64String(new byte[33]);

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(value)), MasterKey.LoadOrCreate(_root, value));
    }

    [Fact]
    public void Without_configuration_a_key_is_generated_once_and_then_reused()
    {
        var dataDir = Path.Combine(_root, "nested", "data");

        var first = MasterKey.LoadOrCreate(dataDir, null);
        var second = MasterKey.LoadOrCreate(dataDir, "");

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        var path = Path.Combine(dataDir, "master.key");
        Assert.Equal(first, Convert.FromBase64String(File.ReadAllText(path).Trim()));
        Assert.Single(Directory.GetFiles(dataDir));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Concurrent_first_starts_agree_on_one_key()
    {
        var keys = Enumerable.Range(0, 8).AsParallel().Select(_ => MasterKey.LoadOrCreate(_root, null)).ToList();

        Assert.All(keys, k => Assert.Equal(keys[0], k));
        Assert.Single(Directory.GetFiles(_root));
    }

    [Fact]
    public void A_corrupt_key_file_is_reported_not_replaced()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "master.key");
        File.WriteAllText(path, "not a key");

        Assert.Throws<InvalidDataException>(() => MasterKey.LoadOrCreate(_root, null));
        Assert.Equal("not a key", File.ReadAllText(path));
    }
}
