// The pressure of a job (backends.md, eta.md): the time still needed, through it, to reach the targets asked on the
// command line: its own estimated time plus the pressure of the job that needs it (the most pressing one when
// several do). Backends start the eligible job of highest pressure first (the local backend's waiting jobs, the
// jobs Slurm's queue may hold), and Slurm's use_nice turns ETA - pressure into a nice value.
//
// It flows down the making of deps as an AsyncLocal: Maker.MakeJob sets the job's own pressure around its making,
// so every dep it makes, at once or after an await (the ExecutionContext is captured with it), is made under it;
// no field is kept per job and no call site has to pass it.
namespace Lmake.Server.Engine;

internal static class JobPressure
{
    private static readonly AsyncLocal<double> _current = new();

    /// <summary>Seconds: the pressure of the job being made here (0 at the top: a target asked on the command line).</summary>
    public static double Current
    {
        get => _current.Value;
        set => _current.Value = value;
    }

    /// <summary>The job's estimated time (eta.md): its last successful run, else its rule's moving average, else 0.</summary>
    public static double EstimateOf(Job job, ProgressBoard board) => Math.Max(0, board.Estimate(job));
}
