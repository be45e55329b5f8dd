using Exim.Abstractions.Hints;
using Microsoft.Data.Sqlite;

namespace Exim.Mail.Hints;

internal sealed partial class SqliteHintsStore
{
    /// <summary>One open connection and its prepared statements (prepared once, reused for every call).</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _get;
        private readonly SqliteCommand _put;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _all;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _commit;
        private readonly SqliteCommand _rollback;

        private Statements(SqliteConnection connection)
        {
            _connection = connection;
            _get = Command("SELECT value, updated FROM hints WHERE db = $db AND key = $key", "$db", "$key");
            _put = Command("INSERT OR REPLACE INTO hints (db, key, value, updated) VALUES ($db, $key, $value, $updated)", "$db", "$key", "$value", "$updated");
            _delete = Command("DELETE FROM hints WHERE db = $db AND key = $key", "$db", "$key");
            _all = Command("SELECT key, value, updated FROM hints WHERE db = $db ORDER BY key", "$db");
            _begin = Command("BEGIN IMMEDIATE");
            _commit = Command("COMMIT");
            _rollback = Command("ROLLBACK");
        }

        /// <summary>
        /// Opens (creating when missing) the file in WAL mode with a busy timeout, and the table. A file that is not a
        /// database fails here with SQLITE_NOTADB.
        /// </summary>
        public static Statements Open(string path)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = (int)BusyTimeout.TotalSeconds,
            }.ToString());
            try
            {
                connection.Open();
                using (var setup = connection.CreateCommand())
                {
                    // busy_timeout first: switching to WAL and creating the table take the write lock.
                    setup.CommandText = $"""
                        PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};
                        PRAGMA journal_mode = WAL;
                        PRAGMA synchronous = NORMAL;
                        CREATE TABLE IF NOT EXISTS hints (
                            db TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated INTEGER NOT NULL,
                            PRIMARY KEY (db, key)) WITHOUT ROWID;
                        """;
                    setup.ExecuteNonQuery();
                }
                return new Statements(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public HintsRecord? Get(string database, string key)
        {
            _get.Parameters[0].Value = database;
            _get.Parameters[1].Value = key;
            using var reader = _get.ExecuteReader();
            return reader.Read() ? new HintsRecord(key, reader.GetString(0), FromStamp(reader.GetInt64(1))) : null;
        }

        public bool Put(string database, string key, string value, long updated)
        {
            _put.Parameters[0].Value = database;
            _put.Parameters[1].Value = key;
            _put.Parameters[2].Value = value;
            _put.Parameters[3].Value = updated;
            return _put.ExecuteNonQuery() > 0;
        }

        public bool Delete(string database, string key)
        {
            _delete.Parameters[0].Value = database;
            _delete.Parameters[1].Value = key;
            return _delete.ExecuteNonQuery() > 0;
        }

        public List<HintsRecord> All(string database)
        {
            _all.Parameters[0].Value = database;
            var records = new List<HintsRecord>();
            using var reader = _all.ExecuteReader();
            while (reader.Read()) records.Add(new HintsRecord(reader.GetString(0), reader.GetString(1), FromStamp(reader.GetInt64(2))));
            return records;
        }

        public void Begin() => _begin.ExecuteNonQuery();

        public void Commit() => _commit.ExecuteNonQuery();

        public void Rollback()
        {
            try { _rollback.ExecuteNonQuery(); }
            catch (SqliteException) { } // no transaction left to roll back (SQLite already did, e.g. on SQLITE_FULL)
        }

        /// <summary>SQLite's quick_check: the file's structure is sound.</summary>
        public bool QuickCheck()
        {
            using var check = _connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check";
            return check.ExecuteScalar() as string == "ok";
        }

        public void Dispose()
        {
            foreach (var command in (ReadOnlySpan<SqliteCommand>)[_get, _put, _delete, _all, _begin, _commit, _rollback]) command.Dispose();
            _connection.Dispose();
        }

        private static DateTimeOffset FromStamp(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

        private SqliteCommand Command(string text, params ReadOnlySpan<string> parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = text;
            foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            return command;
        }
    }
}
