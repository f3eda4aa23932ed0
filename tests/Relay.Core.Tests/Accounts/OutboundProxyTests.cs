using Relay.Core.Accounts;

namespace Relay.Core.Tests.Accounts;

public sealed class OutboundProxyTests
{
    [Theory]
    [InlineData("http://proxy.local:3128", "http", "proxy.local", 3128, null)]
    [InlineData("HTTPS://Proxy.Local:443/", "https", "proxy.local", 443, null)]
    [InlineData("socks5://user:p%40ss@10.0.0.1:1080", "socks5", "10.0.0.1", 1080, "user")]
    [InlineData("socks5h://u:x@[::1]:9050", "socks5h", "::1", 9050, "u")]
    [InlineData("  http://a:b@h:80  ", "http", "h", 80, "a")]
    public void Valid_urls_parse(string text, string scheme, string host, int port, string? user)
    {
        Assert.True(OutboundProxy.TryParse(text, out var proxy, out var error), error);
        Assert.Equal(scheme, proxy!.Scheme);
        Assert.Equal(host, proxy.Host);
        Assert.Equal(port, proxy.Port);
        Assert.Equal(user, proxy.UserName);
        Assert.Equal(user is not null, proxy.HasCredentials);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("ftp://h:21", "http://, https://, socks5:// or socks5h://")]
    [InlineData("proxy.local:3128", "http://, https://, socks5:// or socks5h://")]
    [InlineData("http://proxy.local", "needs a port")]
    [InlineData("http://[::1]", "needs a port")]
    [InlineData("http://h:0", "between 1 and 65535")]
    [InlineData("http://h:70000", "between 1 and 65535")]
    [InlineData("http://:8080", "needs a host")]
    [InlineData("http://h:8080/path", "must not have a path")]
    [InlineData("http://h:8080?x=1", "must not have a path")]
    [InlineData("http://h:8080#f", "must not have a path")]
    [InlineData("http://:secret@h:8080", "without a user name")]
    public void Invalid_urls_say_why_without_repeating_them(string text, string expected)
    {
        Assert.False(OutboundProxy.TryParse(text, out var proxy, out var error));
        Assert.Null(proxy);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Shown_forms_never_carry_the_password()
    {
        Assert.True(OutboundProxy.TryParse("socks5://alice:s3cr3t-pass@proxy.local:1080", out var proxy, out _));

        Assert.Equal("s3cr3t-pass", proxy!.Password);
        Assert.Equal("socks5://alice:****@proxy.local:1080", proxy.Display);
        Assert.Equal("socks5://proxy.local:1080", proxy.Endpoint);
        Assert.Equal(proxy.Display, proxy.ToString());
        Assert.Equal(new Uri("socks5://proxy.local:1080"), proxy.ProxyUri);
        Assert.Equal("socks5://alice:s3cr3t-pass@proxy.local:1080", proxy.Url);
    }

    [Fact]
    public void Socks5h_is_sent_to_dotnet_as_socks5_which_leaves_name_resolution_to_the_proxy()
    {
        Assert.True(OutboundProxy.TryParse("socks5h://proxy.local:1080", out var proxy, out _));

        Assert.Equal("socks5h", proxy!.Scheme);
        Assert.Equal("socks5", proxy.ProxyUri.Scheme);
        Assert.Equal("socks5h://proxy.local:1080", proxy.Endpoint);
    }

    [Fact]
    public void The_same_proxy_written_differently_has_one_identity()
    {
        Assert.True(OutboundProxy.TryParse("HTTP://User:P%20w@Proxy.Local:3128/", out var a, out _));
        Assert.True(OutboundProxy.TryParse("http://User:P%20w@proxy.local:3128", out var b, out _));

        Assert.Equal(a!.Url, b!.Url);
        Assert.Equal("P w", a.Password);
    }
}
