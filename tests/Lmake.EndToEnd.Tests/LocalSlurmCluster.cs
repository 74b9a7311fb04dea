// A real single-node Slurm cluster (munged, slurmctld, slurmd) on loopback for the Slurm tests, started by
// tests/slurm/start-local-slurm.sh in a fresh folder under /tmp (munged wants every folder above its socket
// searchable by all) on ports free now, and always stopped at the end, whatever the tests did.
using System.Net;
using System.Net.Sockets;

namespace Lmake.EndToEnd.Tests;

public sealed class LocalSlurmCluster : IDisposable
{
    private readonly string _scripts = FindScripts();
    private bool _up;

    public LocalSlurmCluster()
    {
        StateDir = Directory.CreateTempSubdirectory("lmake-slurm-").FullName;
        Start();
    }

    /// <summary>The folder holding its state, logs and slurm.conf.</summary>
    public string StateDir { get; }

    /// <summary>The slurm.conf to give lmake.config.backends.slurm.config and the client commands.</summary>
    public string ConfigFile => Path.Combine(StateDir, "slurm.conf");

    /// <summary>One line per finished Slurm job (JobId=... Name=... JobState=...), as Slurm's jobcomp plugin writes it.</summary>
    public string[] CompletedJobs()
    {
        string log = Path.Combine(StateDir, "log", "jobcomp.log");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    /// <summary>A Slurm client command (squeue, scancel...) against this cluster.</summary>
    public CommandResult Client(string command, params string[] args) =>
        Installed.Run(command, args, env: new Dictionary<string, string?> { ["SLURM_CONF"] = ConfigFile }, timeout: TimeSpan.FromSeconds(30));

    /// <summary>The ids of the jobs Slurm has queued or running.</summary>
    public string[] QueuedJobs() => Client("squeue", "-h", "-o", "%i").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Start()
    {
        var env = new Dictionary<string, string?>
        {
            ["SLURM_LOCAL_CTLD_PORT"] = FreePort().ToString(), ["SLURM_LOCAL_SLURMD_PORT"] = FreePort().ToString(), ["SLURM_LOCAL_TIMEOUT"] = "30",
            // more cpus than the host has: a job waiting (ldepend -v) for a dep made by another Slurm job holds its cpu
            ["SLURM_LOCAL_CPUS"] = "8",
        };
        CommandResult started = Installed.Run("/bin/bash", [Path.Combine(_scripts, "start-local-slurm.sh"), StateDir], env: env, timeout: TimeSpan.FromSeconds(60));
        _up = true;
        if (started.ExitCode != 0)
        {
            Stop();
            throw new InvalidOperationException($"the local Slurm cluster did not start (is slurmctld/slurmd/munge installed? `make` installs them)\n{started}");
        }
    }

    public void Stop()
    {
        if (!_up) return;
        Installed.Run("/bin/bash", [Path.Combine(_scripts, "stop-local-slurm.sh"), StateDir], timeout: TimeSpan.FromSeconds(60));
        _up = false;
    }

    public void Dispose()
    {
        try { Stop(); }
        finally { Installed.Shell($"rm -rf '{StateDir}'"); }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string FindScripts()
    {
        for (string? dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
        {
            string scripts = Path.Combine(dir, "tests", "slurm");
            if (File.Exists(Path.Combine(scripts, "start-local-slurm.sh"))) return scripts;
        }
        throw new InvalidOperationException("tests/slurm/start-local-slurm.sh not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The Slurm tests share one cluster and run one after the other (Slurm schedules once a second).</summary>
[CollectionDefinition("slurm")]
public sealed class SlurmCollection : ICollectionFixture<LocalSlurmCluster>;
