using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Relay.Core.Accounts;
using Relay.Core.Security;

namespace Relay.Storage.Tests;

public sealed class OAuthTokenStoreTests
{
    private const string AccessToken = "oat-access-Zq8mV1xR4tY7uI0oP3aS6dF9gH2jK5lL";
    private const string RefreshToken = "oat-refresh-Nb4vC7xZ0mQ3wE6rT9yU2iO5pA8sD1fG";

    [Fact]
    public async Task Tokens_are_stored_encrypted_and_not_readable_in_the_database_file()
    {
        using var db = await TempDatabase.CreateAsync();
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(SecretProtector.KeySize));
        var tokens = new OAuthTokenSet { AccessToken = AccessToken, RefreshToken = RefreshToken, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1), IssuedAt = DateTimeOffset.UtcNow };
        await db.Config.InsertAccountAsync(Records.Account("acc_oauth") with
        {
            Type = AccountTypes.OAuth,
            SecretCiphertext = [],
            OAuthProvider = "corp-sso",
            TokensCiphertext = protector.Protect(tokens.ToJson()),
        });

        var read = await db.Config.GetAccountAsync("acc_oauth");
        Assert.Equal("corp-sso", read!.OAuthProvider);
        var back = OAuthTokenSet.Parse(protector.Unprotect(read.TokensCiphertext!));
        Assert.Equal(AccessToken, back.AccessToken);
        Assert.Equal(RefreshToken, back.RefreshToken);
        Assert.Equal(tokens.ExpiresAt!.Value.ToUnixTimeMilliseconds(), back.ExpiresAt!.Value.ToUnixTimeMilliseconds());

        // Neither token anywhere in the database files (the WAL included).
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(db.Directory))
        {
            var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(AccessToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(RefreshToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain("oat-", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_refresh_write_replaces_the_tokens_without_bumping_the_config_version()
    {
        using var db = await TempDatabase.CreateAsync();
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(SecretProtector.KeySize));
        await db.Config.InsertAccountAsync(Records.Account("acc_oauth") with
        {
            Type = AccountTypes.OAuth,
            SecretCiphertext = [],
            OAuthProvider = "corp-sso",
            TokensCiphertext = protector.Protect(new OAuthTokenSet { AccessToken = "old" }.ToJson()),
        });
        var version = await db.Config.GetVersionAsync();

        Assert.True(await db.Config.UpdateAccountTokensAsync("acc_oauth", protector.Protect(new OAuthTokenSet { AccessToken = "new", RefreshToken = "r2" }.ToJson())));
        Assert.False(await db.Config.UpdateAccountTokensAsync("acc_missing", [1, 2, 3]));

        Assert.Equal(version, await db.Config.GetVersionAsync());
        var read = OAuthTokenSet.Parse(protector.Unprotect((await db.Config.GetAccountAsync("acc_oauth"))!.TokensCiphertext!));
        Assert.Equal("new", read.AccessToken);
        Assert.Equal("r2", read.RefreshToken);

        // An api-key account has neither.
        await db.Config.InsertAccountAsync(Records.Account("acc_key"));
        var plain = await db.Config.GetAccountAsync("acc_key");
        Assert.Null(plain!.OAuthProvider);
        Assert.Null(plain.TokensCiphertext);
        await using var connection = await db.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM accounts WHERE id = 'acc_key' AND oauth_tokens IS NOT NULL"));
    }
}
