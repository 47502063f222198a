using System.Diagnostics;
using System.Text;

namespace SocialLearning.Storage.Sqlite.ConformanceTests;

/// <summary>Runs the CrashWriter child (`dotnet SocialLearning.Storage.Sqlite.CrashWriter.dll ...`) and collects its stdout.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly Task _pump;
    private readonly TaskCompletionSource _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lines;
    private readonly StringBuilder _stderr = new();

    public ChildProcess(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SocialLearning.Storage.Sqlite.CrashWriter.dll");
        Assert.True(File.Exists(dll), $"The child writer was not built next to the tests: {dll} is missing.");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the child writer.");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_gate)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _pump = Task.Run(PumpAsync);
    }

    public int ExitCode => _process.ExitCode;

    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Completes when the child printed its first whole line.</summary>
    public Task FirstLine => _firstLine.Task;

    /// <summary>Waits until the child has printed at least <paramref name="count"/> whole lines.</summary>
    public async Task WaitForLinesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_gate)
            {
                if (_lines >= count)
                {
                    return;
                }
            }

            Assert.True(!_pump.IsCompleted, $"The child writer ended after {_lines} lines, before printing {count}. Its stderr: {StandardError}");
            Assert.True(DateTime.UtcNow < deadline, $"The child writer printed {_lines} lines in {timeout.TotalSeconds} s, fewer than {count}. Its stderr: {StandardError}");
            await Task.Delay(2);
        }
    }

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>SIGKILL: the child gets no chance to flush, finish a transaction or clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
        await _pump;
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _pump;
    }

    /// <summary>The lines the child finished writing (a line cut by the kill is dropped).</summary>
    public IReadOnlyList<string> CompleteLines()
    {
        string text;
        lock (_gate)
        {
            text = _output.ToString();
        }

        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private async Task PumpAsync()
    {
        var buffer = new char[4096];
        var reader = _process.StandardOutput;
        while (true)
        {
            var read = await reader.ReadAsync(buffer);
            if (read == 0)
            {
                _firstLine.TrySetException(new InvalidOperationException("The child writer ended before printing a line. Its stderr: " + StandardError));
                return;
            }

            var newLines = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == '\n')
                {
                    newLines++;
                }
            }

            lock (_gate)
            {
                _output.Append(buffer, 0, read);
                _lines += newLines;
            }

            if (newLines > 0)
            {
                _firstLine.TrySetResult();
            }
        }
    }
}
