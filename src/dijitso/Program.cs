// dijitso: a JIT compile cache for C++ shared libraries. Every command catches its own errors here, so a user
// sees one message and a documented exit code, never a stack trace.
using Dijitso;
using Dijitso.Commands;

try
{
    return CommandTree.Run(args);
}
catch (DijitsoError e)
{
    StdStreams.ErrLine(e.Message);
    return e.ExitCode;
}
catch (Exception e)
{
    StdStreams.ErrLine($"dijitso: internal error: {e.GetType().Name}: {e.Message}");
    return DijitsoExit.Internal;
}
