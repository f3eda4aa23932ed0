using Microsoft.Data.Sqlite;

namespace Relay.Storage.Sqlite;

/// <summary>
/// The SQLite file in the data directory (<c>relay.db</c>) shared by the config and usage stores,
/// the running server and the CLI verbs. Connections are pooled by the provider, so opening one per
/// operation is cheap; WAL lets readers proceed while one writer commits.
/// </summary>
public sealed class SqliteDatabase
{
    // Per-connection settings, re-applied on every open because a pooled connection may be new.
    // synchronous=NORMAL is safe from corruption in WAL mode; a power cut can lose only the last commits.
    private const string ConnectionPragmas = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

    private int _walEnabled;

    public SqliteDatabase(string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        FilePath = Path.GetFullPath(filePath);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>Opens a connection with WAL journaling, a 5 s busy timeout and foreign keys on. The caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            // WAL is a property of the file and persists; switching needs a moment of exclusive
            // access, so do it once per process rather than on every open.
            if (Volatile.Read(ref _walEnabled) == 0)
            {
                command.CommandText = "PRAGMA journal_mode = WAL;";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _walEnabled, 1);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
