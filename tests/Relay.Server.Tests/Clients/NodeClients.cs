using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Relay.Server.Tests.Clients;

/// <summary>What one client process did.</summary>
public sealed record ClientRun(string Command, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed, bool TimedOut)
{
    /// <summary>The last non-empty stdout line parsed as JSON (the SDK script prints exactly one).</summary>
    public JsonElement Json
    {
        get
        {
            var line = StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? throw new InvalidOperationException("The client printed nothing on stdout.\n" + Describe());
            try
            {
                using var json = JsonDocument.Parse(line);
                return json.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"The client's last stdout line is not JSON ({ex.Message}).\n" + Describe(), ex);
            }
        }
    }

    /// <summary>Everything a failure message needs: command, exit code, time, both streams (cut to a readable size).</summary>
    public string Describe() =>
        $"command: {Command}\nexit code: {ExitCode}{(TimedOut ? " (killed after timeout)" : string.Empty)}, {Elapsed.TotalSeconds:F1} s\n" +
        $"--- stdout ---\n{Cut(StdOut)}\n--- stderr ---\n{Cut(StdErr)}";

    private static string Cut(string text) => text.Length <= 6000 ? text : text[..3000] + "\n[…]\n" + text[^3000..];
}

/// <summary>
/// Locates the Node client project (tests/clients, installed by <c>npm ci</c> in test.sh) and runs its programs
/// as real child processes with a controlled environment, a timeout and a process-tree kill.
/// </summary>
public static class NodeClients
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The repository root: the first folder above the test binaries that holds Relay.slnx.</summary>
    public static string RepoRoot => Root.Value;

    public static string ClientsDir => Path.Combine(RepoRoot, "tests", "clients");

    public static string NodeModules => Path.Combine(ClientsDir, "node_modules");

    public static string SdkScript => Path.Combine(ClientsDir, "anthropic-sdk.mjs");

    public static string OpenAISdkScript => Path.Combine(ClientsDir, "openai-sdk.mjs");

    /// <summary>The Codex CLI's Node launcher; it starts the platform binary that npm installed from <c>@openai/codex</c>'s optional dependency.</summary>
    public static string CodexLauncher => Path.Combine(NodeModules, "@openai", "codex", "bin", "codex.js");

    /// <summary>
    /// Fails (never skips) when the npm packages are not installed, saying how to install them.
    /// </summary>
    public static void RequireInstalled()
    {
        string[] required =
        [
            Path.Combine(NodeModules, "@anthropic-ai", "sdk", "package.json"),
            Path.Combine(NodeModules, "@anthropic-ai", "claude-code", "package.json"),
            Path.Combine(NodeModules, "openai", "package.json"),
            Path.Combine(NodeModules, "@openai", "codex", "package.json"),
        ];
        var missing = required.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The Node client packages are not installed: missing {string.Join(", ", missing)}. " +
                $"Run 'npm ci --prefix tests/clients' from the repository root ({RepoRoot}) first; test.sh does this before 'dotnet test'.");
        }
    }

    /// <summary>Runs <c>node anthropic-sdk.mjs &lt;mode&gt;</c> against <paramref name="baseUrl"/> with <paramref name="key"/>.</summary>
    public static async Task<ClientRun> RunSdkAsync(string mode, string baseUrl, string key, IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        RequireInstalled();
        var home = Directory.CreateTempSubdirectory("relay-sdk-home-").FullName;
        try
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HOME"] = home,
                ["RELAY_BASE_URL"] = baseUrl,
                ["RELAY_KEY"] = key,
            };
            foreach (var (name, value) in extraEnv ?? new Dictionary<string, string>())
            {
                env[name] = value;
            }

            return await RunAsync("node", [SdkScript, mode], env, ClientsDir, DefaultTimeout).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(home);
        }
    }

    /// <summary>Runs <c>node openai-sdk.mjs &lt;mode&gt;</c> against <paramref name="baseUrl"/> (ending in /v1) with <paramref name="key"/>.</summary>
    public static async Task<ClientRun> RunOpenAISdkAsync(string mode, string baseUrl, string key, IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        RequireInstalled();
        var home = Directory.CreateTempSubdirectory("relay-openai-home-").FullName;
        try
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HOME"] = home,
                ["RELAY_BASE_URL"] = baseUrl,
                ["RELAY_KEY"] = key,
            };
            foreach (var (name, value) in extraEnv ?? new Dictionary<string, string>())
            {
                env[name] = value;
            }

            return await RunAsync("node", [OpenAISdkScript, mode], env, ClientsDir, DefaultTimeout).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(home);
        }
    }

    /// <summary>The Claude Code executable: the native binary that npm's postinstall put in place, else the package's Node launcher.</summary>
    public static (string FileName, IReadOnlyList<string> PrefixArgs) ClaudeCommand()
    {
        RequireInstalled();
        var package = Path.Combine(NodeModules, "@anthropic-ai", "claude-code");
        var native = Path.Combine(package, "bin", "claude.exe");

        // Without install scripts bin/claude.exe stays a small placeholder; cli-wrapper.cjs finds the platform binary itself.
        if (File.Exists(native) && new FileInfo(native).Length > 1_000_000)
        {
            return (native, []);
        }

        return ("node", [Path.Combine(package, "cli-wrapper.cjs")]);
    }

    /// <summary>
    /// Runs a process with ONLY <paramref name="env"/> plus PATH and a UTF-8 locale (nothing else of this process's
    /// environment leaks in: no proxies, no real API keys). Stdin is closed at once. On timeout the whole process
    /// tree is killed and the run is returned with <see cref="ClientRun.TimedOut"/> set.
    /// </summary>
    public static async Task<ClientRun> RunAsync(string fileName, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        var command = fileName + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        var stopwatch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start '{fileName}' ({ex.Message}). Node 20+ must be on PATH.", ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var timedOut = false;
            using (var deadline = new CancellationTokenSource(timeout))
            {
                try
                {
                    await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    timedOut = true;
                    try
                    {
                        process.Kill(entireProcessTree: true);
                    }
                    catch (InvalidOperationException)
                    {
                        // It exited just now.
                    }

                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                }
            }

            // A grandchild that kept the pipes open must not hang the test: the streams get a bounded wait.
            var output = await ReadOrEmptyAsync(stdout).ConfigureAwait(false);
            var errors = await ReadOrEmptyAsync(stderr).ConfigureAwait(false);
            return new ClientRun(command, process.ExitCode, output, errors, stopwatch.Elapsed, timedOut);
        }
    }

    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task<string> ReadOrEmptyAsync(Task<string> read)
    {
        try
        {
            return await read.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "[stream still open after the process ended]";
        }
    }

    private static string FindRepoRoot()
    {
        // Above the test binaries (a normal build), else above this source file (a build with --artifacts-path elsewhere).
        string[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(ThisSourceFile()) ?? string.Empty];
        foreach (var start in starts.Where(s => s.Length > 0))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Relay.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No Relay.slnx above {string.Join(" or ", starts)}: the client tests must run from a build of the repository.");
    }

    private static string ThisSourceFile([CallerFilePath] string path = "") => path;
}
