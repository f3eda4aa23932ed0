using Microsoft.Data.Sqlite;
using Relay.Storage.Sqlite;

namespace Relay.Storage.Tests;

/// <summary>A real SQLite file in its own temp directory, migrated, removed afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    private TempDatabase(string directory)
    {
        Directory = directory;
        Database = new SqliteDatabase(Path.Combine(directory, "relay.db"));
        Config = new SqliteConfigStore(Database);
        Usage = new SqliteUsageStore(Database);
    }

    public string Directory { get; }
    public SqliteDatabase Database { get; }
    public SqliteConfigStore Config { get; }
    public SqliteUsageStore Usage { get; }

    public static async Task<TempDatabase> CreateAsync(bool migrate = true)
    {
        var directory = Path.Combine(Path.GetTempPath(), "relay-storage-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var db = new TempDatabase(directory);
        if (migrate)
        {
            await db.Config.MigrateAsync();
        }

        return db;
    }

    public void Dispose()
    {
        // Pooled connections keep the file (and its -wal/-shm) open; release them before deleting.
        using (var connection = new SqliteConnection(Database.ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
