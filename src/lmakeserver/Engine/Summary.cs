// The box and summary lmake prints after the status lines (spec A6).
namespace Lmake.Server.Engine;

public static class Summary
{
    public static void Print(MakeRequest req, IReadOnlyList<(string Name, NodeResult Result)> targets)
    {
        var o = req.Output;
        o.Out("+---------+");
        o.Out("| SUMMARY |");
        o.Out("+---------+");
        if (req.Failed > 0) o.Out($"failed  time : {StatusLine.FormatSeconds(req.FailedTime)} ({Jobs(req.Failed)})");
        if (req.Steady > 0) o.Out($"steady  time : {StatusLine.FormatSeconds(req.SteadyTime)} ({Jobs(req.Steady)})");
        o.Out($"done    time : {StatusLine.FormatSeconds(req.DoneTime)} ({Jobs(req.Done)})");
        o.Out($"elapsed time : {StatusLine.FormatSeconds(DateTime.Now - req.Start)}");
        foreach (string mark in req.MarksInUse) o.Out($"marked {mark}   (see lmark -l)");
        foreach (string name in req.QuarantinedEdits) o.Out($"edited by hand, quarantined : {name}   (see LMAKE/quarantine/{name})");
        foreach (var (name, result) in targets)
        {
            switch (result.State)
            {
                case MakeState.Ok when !result.Worked:
                    o.Out($"was already up-to-date : {name}");
                    break;
                case MakeState.Missing:
                    o.Out($"no rule for {name}");
                    // the candidates that ran and did not make it, else no rule at all
                    foreach (string why in (result.Why?.Reason ?? "no rule matches and the file does not exist").Split('\n'))
                        o.Out($"  {why}");
                    break;
                case MakeState.Dangling:
                    o.Out($"dangling {name}");
                    o.Out($"  consider : git add {name}");
                    break;
                case MakeState.Error when result.Why is ErrorChain why:
                    PrintTree(req, why, 0);
                    break;
            }
        }
    }

    private static string Jobs(int n) => n == 1 ? "1 job" : $"{n} jobs";

    private static void PrintTree(MakeRequest req, ErrorChain chain, int depth)
    {
        string indent = new(' ', 2 * depth);
        string rule = chain.Rule.Length > 0 ? chain.Rule : "src";
        string line = $"{indent}{rule.PadRight(req.RuleWidth)}  {chain.Name}";
        if (chain.Reason != null && chain.Causes.Count == 0) line += $"  ({chain.Reason})";
        req.Output.Out(line);
        if (req.Options.NoDeps) return;   // -D: the failing targets' jobs only
        foreach (ErrorChain cause in chain.Causes)
            if (cause.Essential || !req.Options.EssentialDepsOnly) PrintTree(req, cause, depth + 1);
    }
}
