// The Slurm client commands the backend runs (sbatch, scancel, squeue, scontrol), with $SLURM_CONF set to the
// configured slurm.conf, each bounded in time: a controller that does not answer must not hang the server.
using System.Diagnostics;
using System.Globalization;

namespace Lmake.Server.Backends.Slurm;

public sealed class SlurmClient
{
    private readonly string? _configFile;
    private readonly TimeSpan _timeout;

    /// <param name="configFile">backends.slurm.config (null: Slurm's own default, or $SLURM_CONF).</param>
    public SlurmClient(string? configFile, TimeSpan timeout)
    {
        _configFile = configFile;
        _timeout = timeout;
    }

    /// <summary>Why Slurm cannot be used now (sbatch not installed, the controller not answering), or null.</summary>
    public string? Unreachable()
    {
        if (FindOnPath("sbatch") == null) return "sbatch not found in $PATH (slurm-client not installed)";
        if (_configFile != null && !File.Exists(_configFile)) return $"slurm config {_configFile} does not exist";
        var (code, output, error) = Run("scontrol", ["ping"]);
        if (code != 0 || !output.Contains("is UP", StringComparison.Ordinal))
            return "slurm controller not reachable (scontrol ping : " + FirstLine(error.Length > 0 ? error : output) + ")";
        return null;
    }

    /// <summary>The licenses slurm.conf declares (Licenses=a:2,b), added to those of backends.slurm.licenses.</summary>
    public IEnumerable<string> ConfiguredLicenses() =>
        SlurmConfFile.ValuesOf(_configFile, "Licenses")
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(lic => lic.Split(':')[0]);

    /// <summary>Submits a batch script; the Slurm job id, or null with the reason sbatch gave.</summary>
    public long? Submit(IReadOnlyList<string> options, string script, IReadOnlyDictionary<string, string> environment, out string? error)
    {
        var (code, output, stderr) = Run("sbatch", ["--parsable", .. options], script, environment);
        string first = FirstLine(output);
        int semicolon = first.IndexOf(';');   // "ID;CLUSTER" on a federation
        if (code == 0 && long.TryParse(semicolon < 0 ? first : first[..semicolon], NumberStyles.None, CultureInfo.InvariantCulture, out long id))
        {
            error = null;
            return id;
        }
        error = "sbatch failed : " + FirstLine(stderr.Length > 0 ? stderr : output);
        return null;
    }

    public void Cancel(long id) => Run("scancel", [id.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>The state (PENDING, RUNNING, COMPLETED, NODE_FAIL...) of each of these jobs the controller still
    /// knows; null when it could not be asked.</summary>
    public Dictionary<long, string>? States(IReadOnlyCollection<long> ids)
    {
        var (code, output, error) = Run("squeue", ["-h", "-t", "all", "-o", "%i %T", "-j", string.Join(',', ids)]);
        var states = new Dictionary<long, string>();
        if (code != 0) return error.Contains("Invalid job id", StringComparison.Ordinal) ? states : null;   // all of them forgotten
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2) continue;
            // a heterogeneous job shows as ID+OFFSET, one line per component: the first component (where the batch
            // script, hence job_exec, runs) says the job's state
            int plus = parts[0].IndexOf('+');
            bool first = plus < 0 || parts[0][(plus + 1)..] == "0";
            if (long.TryParse(plus < 0 ? parts[0] : parts[0][..plus], NumberStyles.None, CultureInfo.InvariantCulture, out long id)
                && (first || !states.ContainsKey(id)))
                states[id] = parts[1];
        }
        return states;
    }

    private (int Code, string Output, string Error) Run(string command, IReadOnlyList<string> args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin != null, UseShellExecute = false,
        };
        foreach (string a in args) start.ArgumentList.Add(a);
        if (_configFile != null) start.Environment["SLURM_CONF"] = _configFile;
        if (environment != null) foreach (var (k, v) in environment) start.Environment[k] = v;
        try
        {
            using Process p = Process.Start(start)!;
            if (stdin != null)
            {
                p.StandardInput.Write(stdin);
                p.StandardInput.Close();
            }
            Task<string> output = p.StandardOutput.ReadToEndAsync(), error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(_timeout))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return (-1, "", $"{command} did not answer within {_timeout.TotalSeconds:0}s");
            }
            return (p.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, "", $"cannot run {command}: {e.Message}"); }
    }

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
