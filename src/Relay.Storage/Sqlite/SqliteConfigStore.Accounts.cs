using Relay.Core.Accounts;

namespace Relay.Storage.Sqlite;

public sealed partial class SqliteConfigStore
{
    public Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default) =>
        ListAsync<AccountRow, AccountRecord>($"SELECT {AccountRow.Columns} FROM accounts ORDER BY created_at, id", row => row.ToRecord(), cancellationToken);

    public async Task<AccountRecord?> GetAccountAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var rows = await QueryAsync<AccountRow>($"SELECT {AccountRow.Columns} FROM accounts WHERE id = @id", new { id }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToRecord();
    }

    public Task InsertAccountAsync(AccountRecord account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return MutateAsync(
            """
            INSERT INTO accounts (id, name, platform, type, base_url, secret, priority, weight, max_concurrency, models, model_map, enabled, created_at, updated_at)
            VALUES (@Id, @Name, @Platform, @Type, @BaseUrl, @Secret, @Priority, @Weight, @MaxConcurrency, @Models, @ModelMap, @Enabled, @CreatedAt, @UpdatedAt)
            """,
            AccountRow.From(account),
            cancellationToken);
    }

    /// <remarks>created_at is kept from the insert: it records when the account was added, whatever the caller sends.</remarks>
    public Task<bool> UpdateAccountAsync(AccountRecord account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return MutateAsync(
            """
            UPDATE accounts SET name = @Name, platform = @Platform, type = @Type, base_url = @BaseUrl, secret = @Secret,
                priority = @Priority, weight = @Weight, max_concurrency = @MaxConcurrency, models = @Models,
                model_map = @ModelMap, enabled = @Enabled, updated_at = @UpdatedAt
            WHERE id = @Id
            """,
            AccountRow.From(account),
            cancellationToken);
    }

    /// <remarks>Usage events that name the account are kept; they carry its id, not a foreign key.</remarks>
    public Task<bool> DeleteAccountAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MutateAsync("DELETE FROM accounts WHERE id = @id", new { id }, cancellationToken);
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
}
