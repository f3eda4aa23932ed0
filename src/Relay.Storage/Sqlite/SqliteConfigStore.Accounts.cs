using Dapper;
using Microsoft.Data.Sqlite;
using Relay.Core.Accounts;

namespace Relay.Storage.Sqlite;

public sealed partial class SqliteConfigStore
{
    private const string InsertAccount = """
        INSERT INTO accounts (id, name, platform, type, base_url, secret, priority, weight, max_concurrency, models, model_map, shapes, azure_api_version, proxy, oauth_provider, oauth_tokens, shared, limits, enabled, created_at, updated_at)
        VALUES (@Id, @Name, @Platform, @Type, @BaseUrl, @Secret, @Priority, @Weight, @MaxConcurrency, @Models, @ModelMap, @Shapes, @AzureApiVersion, @Proxy, @OAuthProvider, @OAuthTokens, @Shared, @Limits, @Enabled, @CreatedAt, @UpdatedAt)
        """;

    private const string UpdateAccount = """
        UPDATE accounts SET name = @Name, platform = @Platform, type = @Type, base_url = @BaseUrl, secret = @Secret,
            priority = @Priority, weight = @Weight, max_concurrency = @MaxConcurrency, models = @Models,
            model_map = @ModelMap, shapes = @Shapes, azure_api_version = @AzureApiVersion, proxy = @Proxy, oauth_provider = @OAuthProvider, oauth_tokens = @OAuthTokens, shared = @Shared, limits = @Limits, enabled = @Enabled, updated_at = @UpdatedAt
        WHERE id = @Id
        """;

    public async Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync<AccountRow>($"SELECT {AccountRow.Columns} FROM accounts ORDER BY created_at, id", null, cancellationToken).ConfigureAwait(false);
        var memberships = await QueryAsync<Membership>(
            "SELECT account_id AS AccountId, group_id AS GroupId FROM account_groups ORDER BY group_id", null, cancellationToken).ConfigureAwait(false);
        var groupsByAccount = memberships.ToLookup(m => m.AccountId, m => m.GroupId, StringComparer.Ordinal);
        return [.. rows.Select(row => row.ToRecord() with { Groups = [.. groupsByAccount[row.Id]] })];
    }

    public async Task<AccountRecord?> GetAccountAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var rows = await QueryAsync<AccountRow>($"SELECT {AccountRow.Columns} FROM accounts WHERE id = @id", new { id }, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        var groups = await QueryAsync<string>("SELECT group_id FROM account_groups WHERE account_id = @id ORDER BY group_id", new { id }, cancellationToken).ConfigureAwait(false);
        return rows[0].ToRecord() with { Groups = groups };
    }

    /// <remarks>Group ids that name no group are not stored.</remarks>
    public Task InsertAccountAsync(AccountRecord account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return MutateManyAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(new CommandDefinition(InsertAccount, AccountRow.From(account), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await WriteAccountGroupsAsync(connection, transaction, account, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <remarks>created_at is kept from the insert: it records when the account was added, whatever the caller sends. Memberships are replaced by <see cref="AccountRecord.Groups"/>.</remarks>
    public Task<bool> UpdateAccountAsync(AccountRecord account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return MutateManyAsync(
            async (connection, transaction) =>
            {
                var rows = await connection.ExecuteAsync(new CommandDefinition(UpdateAccount, AccountRow.From(account), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (rows == 0)
                {
                    return false;
                }

                await WriteAccountGroupsAsync(connection, transaction, account, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <remarks>
    /// Outside the config version on purpose (a refresh must not rebuild the snapshot); the row's updated_at stays too,
    /// since the operator changed nothing.
    /// </remarks>
    public async Task<bool> UpdateAccountTokensAsync(string id, byte[] tokensCiphertext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(tokensCiphertext);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE accounts SET oauth_tokens = @tokensCiphertext WHERE id = @id", new { id, tokensCiphertext }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows > 0;
    }

    /// <remarks>Usage events that name the account are kept; they carry its id, not a foreign key.</remarks>
    public Task<bool> DeleteAccountAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MutateManyAsync(
            async (connection, transaction) =>
            {
                var rows = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM accounts WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM account_groups WHERE account_id = @id", new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return rows > 0;
            },
            cancellationToken);
    }

    private static async Task WriteAccountGroupsAsync(SqliteConnection connection, SqliteTransaction transaction, AccountRecord account, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM account_groups WHERE account_id = @Id", new { account.Id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var groupId in account.Groups.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO account_groups (account_id, group_id) SELECT @AccountId, id FROM groups WHERE id = @GroupId",
                new { AccountId = account.Id, GroupId = groupId },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<TRecord>> ListAsync<TRow, TRecord>(string sql, Func<TRow, TRecord> map, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<TRow>(sql, null, cancellationToken).ConfigureAwait(false);
        var records = new TRecord[rows.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = map(rows[i]);
        }

        return records;
    }

    private sealed class Membership
    {
        public string AccountId { get; set; } = "";
        public string GroupId { get; set; } = "";
    }
}
