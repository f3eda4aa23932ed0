using System.Security.Cryptography;
using System.Text;

namespace Relay.Core.Security;

/// <summary>
/// Finds the 32-byte master key that <see cref="SecretProtector"/> uses.
/// <list type="bullet">
/// <item>A configured value (<c>RELAY_MASTER_KEY</c>) wins. Base64 of exactly 32 bytes is used as-is
/// (generate one with <c>openssl rand -base64 32</c>); anything else is treated as a passphrase and
/// the key is its SHA-256, so any passphrase works. Surrounding whitespace is ignored.</item>
/// <item>Otherwise <c>&lt;dataDir&gt;/master.key</c> (base64) is read, or created on first start with
/// a random key and file mode 0600.</item>
/// </list>
/// Losing the key makes every stored secret unreadable, so an existing file is never replaced.
/// </summary>
public static class MasterKey
{
    public const string FileName = "master.key";

    public static byte[] LoadOrCreate(string dataDirectory, string? configuredValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);

        if (!string.IsNullOrWhiteSpace(configuredValue))
        {
            return FromConfigured(configuredValue.Trim());
        }

        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return Read(path);
        }

        Directory.CreateDirectory(dataDirectory);
        return Create(path);
    }

    private static byte[] FromConfigured(string value)
    {
        // Room for one byte more than a key so a longer base64 value is told apart from a 32-byte one.
        Span<byte> decoded = stackalloc byte[SecretProtector.KeySize + 1];
        if (Convert.TryFromBase64String(value, decoded, out var written) && written == SecretProtector.KeySize)
        {
            return decoded[..written].ToArray();
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    private static byte[] Read(string path)
    {
        var text = ReadSettled(path).Trim();
        Span<byte> decoded = stackalloc byte[SecretProtector.KeySize + 1];
        if (Convert.TryFromBase64String(text, decoded, out var written) && written == SecretProtector.KeySize)
        {
            return decoded[..written].ToArray();
        }

        throw new InvalidDataException($"{path} does not hold a base64 {SecretProtector.KeySize}-byte key. Restore it from a backup, or set RELAY_MASTER_KEY.");
    }

    /// <summary>
    /// The file's text, waiting briefly while it is empty: another process may have just created it exclusively
    /// and not yet written the key (a single small write, so an empty file is the only in-between state).
    /// </summary>
    private static string ReadSettled(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            var text = File.ReadAllText(path);
            if (text.Length > 0 || attempt >= 100)
            {
                return text;
            }

            Thread.Sleep(20);
        }
    }

    private static byte[] Create(string path)
    {
        var key = RandomNumberGenerator.GetBytes(SecretProtector.KeySize);

        // Exclusive create (O_CREAT|O_EXCL) is the atomic step: if two processes start at once, exactly one
        // creates the file and the other reads that key instead of its own. (A temp file moved into place is not
        // enough: on Linux a no-overwrite move can fall back to check-then-rename, and both would "win".)
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            return Read(path);
        }

        using (stream)
        {
            if (!OperatingSystem.IsWindows())
            {
                // The create mode is filtered by the umask; set it explicitly so it is exactly 0600.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var bytes = Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n");
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        return key;
    }
}
