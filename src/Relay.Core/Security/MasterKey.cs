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
        var text = File.ReadAllText(path).Trim();
        Span<byte> decoded = stackalloc byte[SecretProtector.KeySize + 1];
        if (Convert.TryFromBase64String(text, decoded, out var written) && written == SecretProtector.KeySize)
        {
            return decoded[..written].ToArray();
        }

        throw new InvalidDataException($"{path} does not hold a base64 {SecretProtector.KeySize}-byte key. Restore it from a backup, or set RELAY_MASTER_KEY.");
    }

    private static byte[] Create(string path)
    {
        var key = RandomNumberGenerator.GetBytes(SecretProtector.KeySize);

        // Write a private temp file, then move it into place without overwriting: if two processes
        // start at once, exactly one key wins and the other process reads it instead of its own.
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(temp, Encoding.ASCII, options))
            {
                writer.Write(Convert.ToBase64String(key));
                writer.Write('\n');
            }

            if (!OperatingSystem.IsWindows())
            {
                // The create mode is filtered by the umask; set it explicitly so it is exactly 0600.
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Read(path);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
