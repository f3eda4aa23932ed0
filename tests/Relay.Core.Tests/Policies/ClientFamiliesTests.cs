using Relay.Core.Policies;

namespace Relay.Core.Tests.Policies;

public sealed class ClientFamiliesTests
{
    [Theory]
    [InlineData("claude-cli/1.0.83 (external, cli)", ClientFamilies.ClaudeCode)]
    [InlineData("claude-cli/2.0.14 (external, cli)", ClientFamilies.ClaudeCode)]
    [InlineData("claude-cli/3.1.0-beta.2 (external, sdk-ts)", ClientFamilies.ClaudeCode)]
    [InlineData("codex_cli_rs/0.38.0 (Ubuntu 24.04.2 LTS; x86_64) WindowsTerminal", ClientFamilies.CodexCli)]
    [InlineData("codex_cli_rs/0.101.0 (Mac OS 15.3.0; arm64) iTerm.app/3.5.14", ClientFamilies.CodexCli)]
    [InlineData("codex_exec/0.46.0 (Debian 12; x86_64) unknown", ClientFamilies.CodexCli)]
    [InlineData("GeminiCLI/0.1.5 (linux; x64)", ClientFamilies.GeminiCli)]
    [InlineData("GeminiCLI/0.24.0/gemini-2.5-pro (darwin; arm64) google-api-nodejs-client/9.15.1", ClientFamilies.GeminiCli)]
    [InlineData("Mozilla/5.0 GeminiCLI/0.9.0 (linux; x64)", ClientFamilies.GeminiCli)]
    [InlineData("curl/8.5.0", null)]
    [InlineData("python-requests/2.32", null)]
    [InlineData("not-claude-cli/1.0", null)]
    [InlineData("claude-cli", null)]
    [InlineData("", null)]
    public void Built_in_families_ignore_versions(string userAgent, string? family)
    {
        Assert.Equal(family, ClientFamilies.BuiltInOnly.Detect(userAgent));
        if (family is not null)
        {
            Assert.True(ClientFamilies.BuiltInOnly.IsAllowed([family], userAgent));
        }

        Assert.False(ClientFamilies.BuiltInOnly.IsAllowed(["claude-code", "codex-cli", "gemini-cli"], "curl/8.5.0"));
    }

    [Fact]
    public void Operator_patterns_define_new_families_and_extend_built_in_ones()
    {
        var families = new ClientFamilies(
        [
            new ClientPattern("ci-bot", "acme-ci/*"),
            new ClientPattern(ClientFamilies.ClaudeCode, "ClaudeCode/* (vscode*"),
        ]);

        Assert.True(families.IsAllowed(["ci-bot"], "acme-ci/4.2 (linux)"));
        Assert.False(families.IsAllowed(["ci-bot"], "claude-cli/2.0.14 (external, cli)"));
        Assert.True(families.IsAllowed([ClientFamilies.ClaudeCode], "ClaudeCode/1.2 (vscode 1.99)"));
        Assert.True(families.IsAllowed([ClientFamilies.ClaudeCode], "claude-cli/2.0.14 (external, cli)"));
        Assert.Equal("ci-bot", families.Detect("ACME-CI/5.0"));
        Assert.True(families.IsAllowed([], "curl/8.5.0"));
    }
}
