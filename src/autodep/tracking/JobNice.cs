// The nice value of a job (lmake.config.nice, lmake -N; config.md): applied to its process group right after the
// spawn, and to its autogroup when the kernel has them (sched(7): a job is a session of its own, hence an autogroup
// of its own, and the scheduler weighs autogroups against each other before the processes in them, so the nice of
// the processes alone would do little). The autogroup's nice covers every process of the session, those forked
// before this call too. Failures are ignored: a job runs the same, only less nicely.
using Lmake.Common;

namespace Lmake.Autodep;

internal static class JobNice
{
    private const int PrioPgrp = 1;   // setpriority's PRIO_PGRP

    public static void Apply(int pid, int nice)
    {
        if (nice <= 0) return;
        Libc.SetPriority(PrioPgrp, pid, nice);
        try { File.WriteAllText($"/proc/{pid}/autogroup", nice.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // no autogroups, or gone already
    }
}
