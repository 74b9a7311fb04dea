// A request handler for tests, with what it saw recorded. Its behaviour is chosen by $FAKE_VERB in the
// client's environment (so the installed client can drive it), else by the command name.
using System.Collections.Concurrent;
using Lmake.Server.Transport;

namespace Lmake.Transport.Tests;

internal sealed class FakeHandler : IRequestHandler, IDisposable
{
    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;

    public readonly ConcurrentQueue<ClientRequest> Seen = new();
    public readonly TaskCompletionSource CancelSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public readonly TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public readonly TaskCompletionSource FloodWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public Barrier? Together;

    public int Handle(ClientRequest request, IClientOutput output, CancellationToken cancelled)
    {
        Seen.Enqueue(request);
        Started.TrySetResult();
        string verb = request.Environ.GetValueOrDefault("FAKE_VERB") ?? request.Command;
        switch (verb)
        {
            case "args":   // the command and its args, as received
                output.Out(string.Join('|', [request.Command, .. request.Args]));
                output.Out($"root={request.RepoRoot} cwd={request.Cwd} terminal={request.StdoutIsTerminal}");
                return 0;
            case "echo":   // each arg on stdout, then one line on stderr, exit with the number of args
                foreach (string a in request.Args) output.Out(a);
                output.Err($"cwd={request.Cwd} var={request.Environ.GetValueOrDefault("USER_VAR")}");
                return request.Args.Length;
            case "together":   // returns only once every client of the barrier is being served at once
                bool met = Together!.SignalAndWait(TimeSpan.FromSeconds(20));
                output.Out(met ? "met" : "alone");
                return met ? 0 : 1;
            case "wait":   // runs until cancelled
                output.Out("waiting");
                bool fired = cancelled.WaitHandle.WaitOne(TimeSpan.FromSeconds(20));
                if (fired) CancelSeen.TrySetResult();
                output.Out("stopped");
                return fired ? 42 : 0;
            case "flood":   // far more than socket buffers hold, whether or not the client reads
                for (int i = 0; i < 200_000; i++) output.Out($"line {i} of a flood of status lines");
                FloodWritten.TrySetResult();
                return 0;
            case "throw":
                throw new InvalidOperationException("boom");
            default:
                output.Err($"unknown test verb {verb}");
                return 2;
        }
    }
}
