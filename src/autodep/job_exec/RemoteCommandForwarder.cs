// The in-job commands of a job run by a remote job_exec (ldepend -v, lcheck_deps, lencode, ldecode): each is sent
// to the server on the job's connection and answered there, by the engine, as for a local job.
using System.Collections.Concurrent;
using Lmake.Autodep;
using Lmake.Autodep.Remote;
using Lmake.Common.Protocol;

namespace Lmake.JobExec;

internal sealed class RemoteCommandForwarder : IJobCommandHandler
{
    private readonly FrameWriter _server;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<Frame>> _waiting = new();
    private int _lastId;
    private string? _gone;   // why the server cannot answer any more (the connection is cut)

    public RemoteCommandForwarder(FrameWriter server) => _server = server;

    public async Task<IReadOnlyList<DepVerdict>> VerifyDeps(TrackedJob job, IReadOnlyList<string> files)
    {
        int id = NextId();
        PayloadReader r = Answer(await Ask(id, MessageKind.JobVerifyDeps, RemoteJobWire.VerifyDeps(id, files)));
        return RemoteJobWire.ReadVerdicts(r);
    }

    public async Task<bool> CheckDeps(TrackedJob job, IReadOnlyList<string> depsSoFar)
    {
        int id = NextId();
        bool upToDate = Answer(await Ask(id, MessageKind.JobCheckDeps, RemoteJobWire.CheckDeps(id, depsSoFar))).Bool();
        if (!upToDate) job.Kill();   // the server runs it again once its deps are made
        return upToDate;
    }

    public async Task<string> Encode(TrackedJob job, string table, string context, string value, int minLen)
    {
        int id = NextId();
        return Answer(await Ask(id, MessageKind.JobEncode, RemoteJobWire.Encode(id, table, context, value, minLen))).String();
    }

    public async Task<string?> Decode(TrackedJob job, string table, string context, string code)
    {
        int id = NextId();
        PayloadReader r = Answer(await Ask(id, MessageKind.JobDecode, RemoteJobWire.Decode(id, table, context, code)));
        return RemoteJobWire.ReadOptional(ref r);
    }

    /// <summary>An answer read by the connection's reader (a copy: the reader's buffer is reused).</summary>
    public void OnAnswer(Frame frame)
    {
        int id = RemoteJobWire.AnswerId(frame, out _, out _);
        if (_waiting.TryRemove(id, out TaskCompletionSource<Frame>? waiter)) waiter.TrySetResult(frame);
    }

    /// <summary>The connection is cut: every question waiting, and every later one, fails with this reason.</summary>
    public void FailAll(string reason)
    {
        _gone = reason;
        foreach (int id in _waiting.Keys)
            if (_waiting.TryRemove(id, out TaskCompletionSource<Frame>? waiter)) waiter.TrySetException(new IOException(reason));
    }

    private int NextId() => Interlocked.Increment(ref _lastId);

    private Task<Frame> Ask(int id, MessageKind kind, PayloadWriter request)
    {
        var answer = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        if (_gone is string gone) FailAll(gone);
        else
        {
            try { _server.Write(kind, request); }
            catch (IOException e) { FailAll($"lost the server: {e.Message}"); }
        }
        return answer.Task;
    }

    private static PayloadReader Answer(Frame frame)
    {
        RemoteJobWire.AnswerId(frame, out PayloadReader rest, out string? error);
        if (error != null) throw new IOException(error);
        return rest;
    }
}
