// `dijitso jit`: serves one signature, without MPI (the lock in the cache directory is enough) or as one rank
// of an MPI job, and prints the library's path (or the JSON object) as the last line.
using System.Text.Json;
using Dijitso.Cache;
using Dijitso.Mpi;
using Dijitso.Params;

namespace Dijitso.Jit;

public static class JitCommand
{
    public static int Run(JitRequest request, ParameterOptions options)
    {
        CacheLayout.CheckSignature(request.Signature);
        foreach (string dep in request.Deps) CacheLayout.CheckSignature(dep);
        if (request.SourceFile != null && request.GenerateCommand != null)
            throw new DijitsoError(DijitsoExit.Usage, "dijitso jit: give --source FILE or --generate CMD, not both");
        (Parameters p, _) = ParameterLoader.Load(options);
        var layout = new CacheLayout(p, p.CacheDir);
        string lib = layout.LibPath(request.Signature);
        JitSource Source() => JitSource.Obtain(request);

        LauncherEnvironment? launcher = LauncherEnvironment.Detect();
        if (launcher is not { IsParallel: true })
            return Report(request, lib, () => DirectoryJit.Ensure(p, layout, request, Source));
        // Every rank reports before MPI_Finalize: a launcher kills the ranks still running once one exits
        // non-zero, and each rank must get to say what happened.
        MpiJob job;
        try { job = MpiJob.Start(launcher); }
        catch (DijitsoError e) { return Failed(request, lib, e); }
        using (job) return Report(request, lib, () => ParallelJit.Run(job, p, layout, request, Source));
    }

    private static int Report(JitRequest request, string lib, Func<JitStatus> serve)
    {
        try
        {
            JitStatus status = serve();
            Print(request, new JitOutcome(request.Signature, lib, JitOutcome.StatusName(status)));
            return DijitsoExit.Ok;
        }
        catch (DijitsoError e) { return Failed(request, lib, e); }
    }

    private static int Failed(JitRequest request, string lib, DijitsoError e)
    {
        StdStreams.ErrLine(e.Message);
        if (request.Json) Print(request, new JitOutcome(request.Signature, lib, JitOutcome.StatusName(JitStatus.Failed), e.Message));
        return e.ExitCode;
    }

    private static void Print(JitRequest request, JitOutcome outcome)
    {
        string line = request.Json ? JsonSerializer.Serialize(outcome, JitOutcomeJson.Default.JitOutcome) : outcome.Path;
        StdStreams.Out(line + "\n");
    }
}
