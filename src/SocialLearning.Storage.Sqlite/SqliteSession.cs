using Microsoft.Data.Sqlite;

namespace SocialLearning.Storage.Sqlite;

/// <summary>
/// One open connection with its prepared commands, used by one thread at a time. Commands are cached by SQL
/// text so each statement is prepared once per connection. Transactions are plain SQL (BEGIN IMMEDIATE,
/// SAVEPOINT, COMMIT) so that every cached command can run inside them.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>Returns the cached command for <paramref name="sql"/> with its parameters <c>@p0</c>, <c>@p1</c>, ... bound to <paramref name="args"/>.</summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<object?> args)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
#pragma warning disable CA2100 // SQL text comes from constants in this assembly; values are always bound as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            for (var i = 0; i < args.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter(ParameterName(i), null));
            }

            _commands[sql] = command;
        }

        var parameters = command.Parameters;
        for (var i = 0; i < args.Length; i++)
        {
            parameters[i].Value = args[i] ?? DBNull.Value;
        }

        return command;
    }

    public int Execute(string sql, params ReadOnlySpan<object?> args) => Command(sql, args).ExecuteNonQuery();

    public object? Scalar(string sql, params ReadOnlySpan<object?> args)
    {
        var value = Command(sql, args).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public long ScalarInt64(string sql, params ReadOnlySpan<object?> args) => Convert.ToInt64(Scalar(sql, args) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    public SqliteDataReader Query(string sql, params ReadOnlySpan<object?> args) => Command(sql, args).ExecuteReader();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }

    private static string ParameterName(int i) => i switch
    {
        0 => "@p0",
        1 => "@p1",
        2 => "@p2",
        3 => "@p3",
        4 => "@p4",
        5 => "@p5",
        6 => "@p6",
        7 => "@p7",
        8 => "@p8",
        9 => "@p9",
        _ => "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
