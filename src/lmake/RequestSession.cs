// Sends one request and relays the server's answer: Out lines to stdout, Err lines to stderr, then the exit
// code. ^C sends Cancel (the server stops what only this client needed, and says which jobs it killed) and once
// the server has answered, or after a short wait, the client dies of the signal (SignalDeath); a second ^C
// ends it at once.
using System.Runtime.InteropServices;
using Lmake.Common;
using Lmake.Common.Protocol;

namespace Lmake.Client;

internal sealed class RequestSession
{
    private static readonly TimeSpan CancelAckTimeout = TimeSpan.FromSeconds(3);

    private readonly ServerConnection _connection;
    private readonly string _command;
    private int _interrupts;
    private int _signal = SignalDeath.SIGINT;   // the one received (^C, or SIGTERM)
    private readonly OutputSink _stdout = new(Console.OpenStandardOutput());
    private readonly OutputSink _stderr = new(Console.OpenStandardError());

    public RequestSession(ServerConnection connection, string command)
    {
        _connection = connection;
        _command = command;
    }

    /// <summary>Out lines go to stderr (ldebug, which runs its script next: its stdout is the job's alone).</summary>
    public bool OutToStderr { get; init; }

    /// <summary>Stdout is a terminal: the status lines get company (TerminalView): a progress line and title when
    /// the server reports progress, colours when <see cref="Colors"/>.</summary>
    public bool Terminal { get; init; }
    public bool Colors { get; init; }
    private TerminalView? _view;

    /// <summary>Sees every Out line (ldebug learns where its script is).</summary>
    public SpanAction<byte>? OnOut { get; init; }

    public delegate void SpanAction<T>(ReadOnlySpan<T> span);

    /// <summary>The command was stopped by a signal: once its output is written, it must die of it (Interrupt).</summary>
    public bool Interrupted => Volatile.Read(ref _interrupts) > 0;

    /// <summary>Ends the process by the signal that stopped the command.</summary>
    public void DieOfInterrupt()
    {
        _view?.Finish();
        Flush();
        SignalDeath.Die(_signal);
    }

    public int Run(RequestMessage request)
    {
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnInterrupt);
        if (Terminal && !OutToStderr) _view = new TerminalView(_stdout, Colors, _command);
        _connection.Writer.Write(MessageKind.Request, request.Encode());
        try
        {
            return Relay();
        }
        catch (Exception e) when (e is IOException or ProtocolException or ObjectDisposedException)
        {
            if (Interrupted) return ExitCode.Interrupted;
            Flush();
            Console.Error.WriteLine($"{_command}: lost the connection to the server ({e.Message}), see LMAKE/server.log");
            return ExitCode.BadServer;
        }
        finally
        {
            Flush();
        }
    }

    private int Relay()
    {
        while (true)
        {
            Frame? frame = _connection.Reader.Read();
            if (frame is null)
            {
                if (Interrupted) return ExitCode.Interrupted;
                Flush();
                Console.Error.WriteLine($"{_command}: the server closed the connection before answering, see LMAKE/server.log");
                return ExitCode.BadServer;
            }
            Frame f = frame.Value;
            switch (f.Kind)
            {
                case MessageKind.Out:
                    _stderr.Flush();   // keep the order the engine printed in, on a terminal showing both
                    if (_view != null) _view.Line(f.Payload.Span);
                    else (OutToStderr ? _stderr : _stdout).WriteLine(f.Payload.Span);
                    OnOut?.Invoke(f.Payload.Span);
                    break;
                case MessageKind.Err:
                    _view?.BeforeStderr();
                    _stdout.Flush();
                    _stderr.WriteLine(f.Payload.Span);
                    if (_view != null)
                    {
                        _stderr.Flush();   // before the progress line comes back under it
                        _view.AfterStderr();
                    }
                    break;
                case MessageKind.Progress:
                    _view?.Progress(ProgressReport.Decode(f));
                    break;
                case MessageKind.Exit:
                    int code = f.Reader().Int();
                    _view?.Finish();
                    return Interrupted ? ExitCode.Interrupted : code;
                default:
                    throw new ProtocolException($"unexpected {f.Kind} message from the server");
            }
            // Write in batches while the server is fast, but never leave a line waiting while it is quiet.
            if (_connection.Available == 0) Flush();
        }
    }

    private void Flush()
    {
        _stdout.Flush();
        _stderr.Flush();
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;   // we die of it ourselves, after telling the server and writing what it answers
        if (context.Signal == PosixSignal.SIGTERM) _signal = SignalDeath.SIGTERM;
        if (Interlocked.Increment(ref _interrupts) > 1) DieOfInterrupt();
        try
        {
            _connection.Writer.Write(MessageKind.Cancel);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            DieOfInterrupt();
        }
        // The server answers with Exit once the request has stopped; do not wait for it forever.
        new Thread(() =>
        {
            Thread.Sleep(CancelAckTimeout);
            DieOfInterrupt();
        }) { IsBackground = true }.Start();
    }
}
