using System.Globalization;

namespace Relay.Core.Accounts;

/// <summary>
/// An account's egress proxy, parsed once per snapshot from the decrypted URL
/// (<c>http://</c>, <c>https://</c>, <c>socks5://</c> or <c>socks5h://</c>, optional <c>user:pass@</c>, host and port, nothing else).
/// A class rather than a record so that no generated ToString can ever print the password; <see cref="Display"/>
/// and <see cref="Endpoint"/> are the only forms that may be shown or logged.
/// </summary>
public sealed class OutboundProxy
{
    public const string Http = "http";
    public const string Https = "https";
    public const string Socks5 = "socks5";
    public const string Socks5h = "socks5h";

    private OutboundProxy(string url, string scheme, string host, int port, string? userName, string? password)
    {
        Url = url;
        Scheme = scheme;
        Host = host;
        Port = port;
        UserName = userName;
        Password = password;
        var hostPort = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        Endpoint = $"{scheme}://{hostPort}";
        Display = userName is null ? Endpoint : $"{scheme}://{Uri.EscapeDataString(userName)}:****@{hostPort}";

        // .NET's SOCKS5 client sends host names to the proxy unresolved, which is what socks5h asks for.
        ProxyUri = new Uri($"{(scheme == Socks5h ? Socks5 : scheme)}://{hostPort}");
    }

    /// <summary>The whole URL, credentials included: a secret. It is also the identity of the proxy (one handler per distinct URL).</summary>
    public string Url { get; }

    /// <summary><c>http</c>, <c>https</c>, <c>socks5</c> or <c>socks5h</c>, lower case.</summary>
    public string Scheme { get; }

    /// <summary>Host name or IP address (IPv6 without brackets).</summary>
    public string Host { get; }
    public int Port { get; }
    public string? UserName { get; }

    /// <summary>The proxy password; never shown, never logged.</summary>
    public string? Password { get; }

    public bool HasCredentials => UserName is not null;

    /// <summary><c>scheme://host:port</c>: safe for logs and error messages.</summary>
    public string Endpoint { get; }

    /// <summary><c>scheme://user:****@host:port</c> (or <see cref="Endpoint"/> without credentials): what views show.</summary>
    public string Display { get; }

    /// <summary>The proxy address without credentials, in the scheme .NET's <c>WebProxy</c> understands.</summary>
    public Uri ProxyUri { get; }

    /// <summary>
    /// Set by the forwarding layer for this snapshot's entry (the handler serving this proxy), so the request path
    /// reads one field instead of looking the proxy up by URL. Opaque to Core.
    /// </summary>
    public object? Transport { get; set; }

    public override string ToString() => Display;

    /// <summary>Parses a proxy URL; on failure <paramref name="error"/> says what is wrong without repeating the URL.</summary>
    public static bool TryParse(string? text, out OutboundProxy? proxy, out string? error)
    {
        proxy = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "must not be empty";
            return false;
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? text[..schemeEnd].ToLowerInvariant() : "";
        if (scheme is not (Http or Https or Socks5 or Socks5h))
        {
            error = "must be an http://, https://, socks5:// or socks5h:// URL";
            return false;
        }

        var rest = text[(schemeEnd + 3)..];
        if (rest.IndexOfAny(['/', '?', '#']) is var cut and >= 0)
        {
            // A lone trailing slash is harmless; anything after it is a path, query or fragment a proxy has no use for.
            if (cut != rest.Length - 1 || rest[cut] != '/')
            {
                error = "must not have a path, query or fragment (scheme://[user:pass@]host:port)";
                return false;
            }

            rest = rest[..cut];
        }

        string? userName = null;
        string? password = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            userName = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            password = colon >= 0 ? Uri.UnescapeDataString(userInfo[(colon + 1)..]) : "";
            if (userName.Length == 0)
            {
                error = "has credentials without a user name";
                return false;
            }
        }

        // host:port, or [v6]:port.
        var portColon = rest.LastIndexOf(':');
        if (portColon < 0 || portColon < rest.LastIndexOf(']'))
        {
            error = "needs a port (scheme://host:port)";
            return false;
        }

        var host = rest[..portColon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!int.TryParse(rest.AsSpan(portColon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = "needs a port between 1 and 65535";
            return false;
        }

        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = "needs a host (scheme://host:port)";
            return false;
        }

        host = host.ToLowerInvariant();
        var credentials = userName is null ? "" : $"{Uri.EscapeDataString(userName)}:{Uri.EscapeDataString(password!)}@";
        var hostPort = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        proxy = new OutboundProxy($"{scheme}://{credentials}{hostPort}", scheme, host, port, userName, password);
        error = null;
        return true;
    }
}
