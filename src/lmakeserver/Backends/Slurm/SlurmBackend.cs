// The Slurm backend (backends.md, "Slurm backend"): each job is submitted with sbatch as a batch script running
// `_bin/job_exec --remote IP:PORT` on the node Slurm gives it; job_exec connects back to this server with the
// job's key, runs the job under dependency tracking, forwards its in-job commands, and reports its accesses, which
// are sorted into a JobRun by AccessSorter as for a local job. The repo must be seen by the nodes at the same path
// (a shared file system), as open-lmake requires.
//
// Slurm not reachable (sbatch missing, the controller down) or backends.slurm not configured: a warning, and
// the job runs on the local backend, its resources translated (SlurmToLocal). A job Slurm loses (cancelled
// outside lmake, node failure, job_exec never connecting back) is submitted again up to the rule's
// max_retries_on_lost, then fails as lost; it is never taken as done.
using System.Net;
using System.Net.Sockets;
using Lmake.Autodep;
using Lmake.Autodep.Remote;
using Lmake.Common;
using Lmake.Server.Backends.Local;
using Lmake.Server.Backends.Remote;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Backends.Slurm;

public sealed class SlurmBackend : IBackend
{
    /// <summary>How long a cancelled job may take to report that it was killed before it is given up on.</summary>
    private static readonly TimeSpan KillReportGrace = TimeSpan.FromSeconds(15);

    private readonly string _repoRoot;
    private readonly LmakeDir _lmakeDir;
    private readonly InstallLayout _layout;
    private readonly LocalBackend _local;
    private readonly SlurmQueueSlots _queue = new();
    private RemoteJobListener? _listener;
    private IPAddress? _address;
    private SlurmSettings? _settings;
    private Config? _settingsConfig;
    private SlurmClient? _client;
    private SlurmQueueWatch? _watch;
    private HashSet<string> _licenses = [];
    private SlurmNice _nice = SlurmNice.Default;
    private string? _unreachable;   // why Slurm is not used under the current settings (null: it is)
    private bool _warned;
    private DateTime _probedAt;
    /// <summary>How long Slurm found unreachable is not asked again (its jobs run locally meanwhile).</summary>
    private static readonly TimeSpan ProbeAgain = TimeSpan.FromSeconds(60);
    private int _running;
    private int _nextSmallId;

    public SlurmBackend(string repoRoot, InstallLayout layout, LocalBackend local)
    {
        _repoRoot = repoRoot;
        _lmakeDir = new LmakeDir(repoRoot);
        _layout = layout;
        _local = local;
    }

    public string Name => "slurm";

    public IReadOnlyList<ResourceUse> Held => [new("slurm queued", _queue.Queued, long.MaxValue), new("slurm running", _running, long.MaxValue)];

    public async Task<JobRun> Run(JobSubmission job, IJobHost host, CancellationToken cancelled)
    {
        if (host.RunsLocally)   // lmake -l
            return await _local.Run(job, SlurmToLocal.Resources(job.Plan.Resources, _local.Capacity(job.Config)), host, cancelled);
        if (Configure(job.Config) is string unreachable)
        {
            if (!_warned) host.Warn($"warning : slurm backend not available ({unreachable}) : its jobs run on the local backend");
            _warned = true;
            return await _local.Run(job, SlurmToLocal.Resources(job.Plan.Resources, _local.Capacity(job.Config)), host, cancelled);
        }
        if (SlurmResources.Options(job.Plan.Resources, _licenses, out string? wrong) is not List<string> fromResources)
        {
            string refusal = $"rule {job.Plan.Rule.Name} : {wrong}";
            return new JobRun(false, refusal, [refusal], "", TimeSpan.Zero, [], [], false);
        }
        // lmake -b: srun-like options of this command, in place of the resources' own
        if (SlurmCommandLine.Parse(host.BackendArgs, out string? badArg) is not List<string> fromCommandLine)
            return new JobRun(false, badArg, [badArg!], "", TimeSpan.Zero, [], [], false);
        List<string> options = SlurmCommandLine.Override(fromResources, fromCommandLine);
        for (int lost = 0; ; lost++)
        {
            (JobRun? run, string? lostReason) = await RunOnce(job, options, host, cancelled);
            if (run != null) return run;
            if (cancelled.IsCancellationRequested) return new JobRun(false, "killed", [], "", TimeSpan.Zero, [], [], true);
            if (lost >= job.Plan.MaxRetriesOnLost)
                return new JobRun(false, "lost", [lostReason!], "", TimeSpan.Zero, [], [], false);
            host.Warn($"{lostReason} : submitted again");
        }
    }

    /// <summary>The settings of this config, and whether Slurm answers (asked once per settings while it does, again
    /// at most every <see cref="ProbeAgain"/> while it does not); null when it is used, else why not.</summary>
    private string? Configure(Config config)
    {
        if (_settingsConfig != config)
        {
            _settingsConfig = config;
            SlurmSettings? settings = SlurmSettings.Of(config, _repoRoot);
            if (settings == null)
            {
                _settings = null;
                _client = null;
                return _unreachable = "lmake.config.backends.slurm is not set";
            }
            if (_settings == null || !_settings.SameAs(settings) || _client == null)
            {
                _settings = settings;
                _warned = false;
                _client = new SlurmClient(settings.ConfigFile, settings.InitTimeout);
                _watch = null;
                _probedAt = DateTime.MinValue;
            }
        }
        if (_client == null) return _unreachable;
        if (_watch != null) return null;   // Slurm answered under these settings
        if (DateTime.UtcNow - _probedAt < ProbeAgain) return _unreachable;
        _probedAt = DateTime.UtcNow;
        _unreachable = _client.Unreachable();
        if (_unreachable != null) return _unreachable;
        try
        {
            _listener ??= new RemoteJobListener();
            _address ??= OwnAddress(_settings!.DomainName);
        }
        catch (Exception e) when (e is IOException or SocketException) { return _unreachable = e.Message; }
        _licenses = [.. _settings!.Licenses, .. _client.ConfiguredLicenses()];
        _nice = SlurmNice.FromConfig(_settings.ConfigFile);
        _watch = new SlurmQueueWatch(_client);
        _warned = false;   // (were it down again under other settings, it is said again)
        return null;
    }

    /// <summary>One submission: the run, or null and why the job was lost.</summary>
    private async Task<(JobRun?, string?)> RunOnce(JobSubmission job, List<string> options, IJobHost host, CancellationToken cancelled)
    {
        SynchronizationContext engine = SynchronizationContext.Current!;
        SlurmSettings settings = _settings!;
        SlurmClient client = _client!;
        SlurmQueueWatch watch = _watch!;   // (the settings may change while the job runs)
        JobPlan plan = job.Plan;
        // nothing to lend while the job waits for its deps: Slurm holds its node, not this server
        var commands = new JobCommands(host, engine, waiting => waiting);
        LiveStdoutLines? live = host.ShowsStdout ? new LiveStdoutLines(host, engine) : null;
        bool keep = host.KeepTmp || plan.KeepTmp;
        string keptTmp = keep ? _lmakeDir.TmpOf(job.Id) : "";
        if (keep)
        {
            if (Directory.Exists(keptTmp)) Directory.Delete(keptTmp, recursive: true);
            Directory.CreateDirectory(keptTmp);
        }
        foreach (string target in plan.Targets)
            if (Path.GetDirectoryName(Path.Combine(_repoRoot, target)) is string dir) Directory.CreateDirectory(dir);
        // $TMPDIR: a fresh dir job_exec makes on the node (named there), unless kept here
        Dictionary<string, string> env = _local.Environ(job.Id, plan, ++_nextSmallId, keep ? keptTmp : "/tmp");
        foreach (var (key, value) in plan.Environ)
            if (value == null && settings.Environ.TryGetValue(key, out string? configured)) env[key] = configured;   // `...`: backends.slurm.environ
        var order = new RemoteJobOrder(
            SimpleCommand.Direct(plan.Argv) ?? plan.Argv, _repoRoot, _repoRoot, env, job.OutsideSourceDirs.ForTracker,
            plan.Autodep switch { "none" => AutodepMethod.None, "ptrace" => AutodepMethod.Ptrace, _ => AutodepMethod.LdPreload },
            plan.AutoMkdir, job.Config.LinkSupport == "full_ext",
            plan.StdinDep is string stdin ? Path.Combine(_repoRoot, stdin) : null,
            plan.StdoutTarget is string stdout ? Path.Combine(_repoRoot, stdout) : null,
            live != null, plan.Timeout, plan.KillSigs.Count > 0 ? plan.KillSigs : [15, 9], keptTmp) { Nice = host.Nice };

        using RemoteJobSlot slot = _listener!.Expect(order, commands, live == null ? null : live.OnChunk);
        string queueKey = string.Join(' ', options);
        try { await _queue.Enter(queueKey, settings.MaxQueuedJobs, cancelled, job.Pressure); }
        catch (OperationCanceledException) { return (null, "cancelled"); }
        host.PastQueue();
        bool queued = true;
        long? slurmId = null;
        try
        {
            Directory.CreateDirectory(_lmakeDir.SlurmLogs);
            string jobExec = Path.Combine(_layout.PrivateBin, "job_exec");
            string script = $"#!/bin/sh\nexec '{jobExec}' --remote {_address}:{_listener.Port}\n";
            List<string> sbatch = [$"--job-name={settings.RepoKey}{plan.JobName}", $"--chdir={_repoRoot}",
                $"--output={Path.Combine(_lmakeDir.SlurmLogs, "%j")}", "--open-mode=truncate"];
            // use_nice: when it is best started, as a nice value; else lmake -N or config.nice alone
            long nice = settings.UseNice ? _nice.Of(host.EtaUtc, job.Pressure, host.Nice) : host.Nice;
            if (nice > 0) sbatch.Add($"--nice={nice}");
            sbatch.AddRange(options);
            var keyEnv = new Dictionary<string, string> { ["LMAKE_JOB_KEY"] = slot.Key };
            string? error = null;
            slurmId = await Task.Run(() => client.Submit(sbatch, script, keyEnv, out error));
            if (slurmId is not long id)
            {
                string failure = $"cannot submit to slurm : {error}";
                return (new JobRun(false, failure, [failure], "", TimeSpan.Zero, [], [], false), null);
            }
            watch.Add(id, slot);
            using CancellationTokenRegistration stop = cancelled.Register(() =>
            {
                slot.Kill();
                Task.Run(() => client.Cancel(id));
                Task.Delay(KillReportGrace).ContinueWith(_ => slot.Lose("killed"), TaskScheduler.Default);
            });
            await Task.WhenAny(slot.Connected, slot.Ended);
            _queue.Leave(queueKey);
            queued = false;
            DateTime started = DateTime.Now;
            if (slot.IsConnected)
            {
                _running++;
                host.Started();
            }
            RemoteJobEnd? end;
            try { end = await slot.Ended; }
            finally { if (slot.IsConnected) _running--; }
            live?.Finish();
            if (end == null) return (null, slot.LostReason);
            TryDelete(Path.Combine(_lmakeDir.SlurmLogs, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            JobOutcome outcome = job.OutsideSourceDirs.Rename(end.Outcome);
            var facts = new JobRunFacts(started, DateTime.Now, outcome.ExitCode, outcome.Cpu, outcome.MaxRssBytes,
                keep ? keptTmp : end.TmpDir, keep, end.Host, outcome.Stdout) { RanRemotely = true };
            return (AccessSorter.Sort(plan, outcome, commands, host, facts), null);
        }
        finally
        {
            if (queued) _queue.Leave(queueKey);
            if (slurmId is long submitted) watch.Remove(submitted);
        }
    }

    /// <summary>The address the nodes reach this host at: that of its name (with backends.slurm.domain_name, of
    /// NAME.DOMAIN), an IPv4 one, else the loopback (a single-host cluster).</summary>
    private static IPAddress OwnAddress(string? domainName)
    {
        string name = Dns.GetHostName();
        if (!string.IsNullOrEmpty(domainName) && !name.Contains('.')) name += "." + domainName.TrimStart('.');
        try
        {
            IPAddress[] all = Dns.GetHostAddresses(name);
            return all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                ?? all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
        }
        catch (SocketException) { return IPAddress.Loopback; }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
