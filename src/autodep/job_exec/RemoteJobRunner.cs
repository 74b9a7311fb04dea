// `job_exec --remote IP:PORT`, as a remote backend starts it on the node it got (key in $LMAKE_JOB_KEY): connects
// back to lmakeserver, receives the job's order, runs it under dependency tracking with the in-job commands
// answered by the server, and sends back how it ended (RemoteJobWire describes the conversation).
using System.Net;
using System.Runtime.InteropServices;
using Lmake.Autodep;
using Lmake.Autodep.Remote;
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;

namespace Lmake.JobExec;

internal static class RemoteJobRunner
{
    public const string KeyVariable = "LMAKE_JOB_KEY";

    public static int Run(string[] args)
    {
        if (args.Length != 2 || args[0] != "--remote" || !IPEndPoint.TryParse(args[1], out IPEndPoint? server) || server.Port == 0)
        {
            Console.Error.WriteLine("usage: job_exec --remote IP:PORT   (with the job's key in $" + KeyVariable + "; started by lmakeserver's remote backends)");
            return ExitCode.Usage;
        }
        string? key = Environment.GetEnvironmentVariable(KeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            Console.Error.WriteLine($"job_exec: ${KeyVariable} is not set (the key the server gave this job)");
            return ExitCode.Usage;
        }
        try { return RunJob(server, key); }
        catch (Exception e) when (e is IOException or ProtocolException)
        {
            Console.Error.WriteLine($"job_exec: {e.Message}");
            return ExitCode.InternalError;
        }
    }

    private static int RunJob(IPEndPoint server, string key)
    {
        using LoopbackStream stream = LoopbackStream.Connect(server);
        stream.SetNoDelay();
        var writer = new FrameWriter(stream);
        var reader = new FrameReader(stream);
        writer.Write(MessageKind.Hello, Hello.Encode(key));
        Frame? answer = reader.Read();
        if (answer is { Kind: MessageKind.Refused } refused)
        {
            Console.Error.WriteLine($"job_exec: refused by the server at {server}: {refused.Reader().String()}");
            return ExitCode.InternalError;
        }
        if (answer is not { Kind: MessageKind.Welcome }) throw new ProtocolException($"no welcome from the server at {server}");
        RemoteJobOrder order = RemoteJobWire.ReadOrder(reader.Read() ?? throw new ProtocolException("the server closed before sending the job"));

        var env = new Dictionary<string, string>(order.Environment, StringComparer.Ordinal);
        string tmp = order.TmpDir;
        bool freshTmp = tmp.Length == 0 && env.ContainsKey("TMPDIR");
        if (freshTmp)
        {
            // on the node, where its own $TMPDIR says (the server's dirs may not exist here)
            string under = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } t && Directory.Exists(t) ? t : "/tmp";
            tmp = Path.Combine(under, $"lmake-job-{Environment.ProcessId}-{SecureRandom.Hex(4)}");
            Directory.CreateDirectory(tmp);
        }
        if (env.ContainsKey("TMPDIR")) env["TMPDIR"] = tmp;

        var commands = new RemoteCommandForwarder(writer);
        var spec = new JobSpec
        {
            Argv = order.Argv,
            Cwd = order.Cwd,
            Environment = env,
            RepoRoot = order.RepoRoot,
            SourceDirs = order.SourceDirs,
            Method = order.Method,
            AutoMkdir = order.AutoMkdir,
            FollowExternalLinks = order.FollowExternalLinks,
            StdinPath = order.StdinPath,
            StdoutPath = order.StdoutPath,
            LiveStdout = order.LiveStdout ? chunk => SendQuietly(writer, MessageKind.JobStdout, chunk) : null,
            Timeout = order.Timeout,
            KillSignals = order.KillSignals,
            Nice = order.Nice,
            CommandHandler = commands,
        };
        TrackedJob job = TrackedJob.Start(spec);
        // SIGTERM comes from the batch system (scancel, preemption, the node going down): the job is stopped
        // and not reported, so that the server takes it as lost (run again), not as a job that failed
        bool stoppedFromOutside = false;
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Volatile.Write(ref stoppedFromOutside, true);
            job.Kill();
        });
        var listening = new Thread(() => Listen(reader, commands, job)) { IsBackground = true, Name = "server link" };
        listening.Start();
        JobOutcome outcome = job.Completion.GetAwaiter().GetResult();
        // the batch system signals the job's processes and job_exec at once, and the handler above runs on a thread
        // of its own: a job killed by a signal waits for it a moment, not to report a scancel as the job's failure
        // (one that died of SIGTERM itself most likely got it from the batch system too: waited for longer, a loaded
        // node may run the handler late)
        if (outcome.ExitCode > 128)
        {
            int waitMs = outcome.ExitCode == 128 + 15 ? 3000 : 300;
            for (int waited = 0; waited < waitMs && !Volatile.Read(ref stoppedFromOutside); waited += 10) Thread.Sleep(10);
        }
        try
        {
            if (Volatile.Read(ref stoppedFromOutside))
            {
                Console.Error.WriteLine("job_exec: stopped by SIGTERM (scancel, preemption...): the job is not reported, the server reruns it");
                return ExitCode.InternalError;
            }
            writer.Write(MessageKind.JobEnd, RemoteJobWire.End(new RemoteJobEnd(outcome, Environment.MachineName, freshTmp ? "" : tmp)));
        }
        finally
        {
            if (freshTmp) RemoveQuietly(tmp);
        }
        return ExitCode.Ok;
    }

    /// <summary>The server's side of the connection: answers to the job's commands, a kill; its end kills the job.</summary>
    private static void Listen(FrameReader reader, RemoteCommandForwarder commands, TrackedJob job)
    {
        string reason = "the server closed the connection";
        try
        {
            for (Frame? frame; (frame = reader.Read()) is Frame f;)
            {
                if (f.Kind == MessageKind.JobAnswer) commands.OnAnswer(new Frame(f.Kind, f.Payload.ToArray()));
                else if (f.Kind == MessageKind.JobKill) job.Kill();
            }
        }
        catch (Exception e) when (e is IOException or ProtocolException) { reason = $"lost the server: {e.Message}"; }
        commands.FailAll(reason);
        job.Kill();   // no server to report to: nothing it does counts any more
    }

    private static void SendQuietly(FrameWriter writer, MessageKind kind, byte[] payload)
    {
        try { writer.Write(kind, payload); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }   // the server is gone: the listener kills the job
    }

    private static void RemoveQuietly(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
