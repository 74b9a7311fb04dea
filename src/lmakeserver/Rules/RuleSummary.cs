// LMAKE/rules: each rule as lmake understood it (kind, prio, targets, deps, cmd), for users to read.
using System.Text;

namespace Lmake.Server.Rules;

public static class RuleSummary
{
    public static string Describe(IReadOnlyList<Rule> rules)
    {
        var sb = new StringBuilder();
        foreach (Rule r in rules)
        {
            var stars = new HashSet<string>(r.StarStems);
            sb.Append(r.Name).Append(" (").Append(r.Kind.ToString().ToLowerInvariant());
            if (r.IsPython) sb.Append(", python");
            sb.Append(") ").Append(r.Location).Append('\n');
            sb.Append("\tprio    : ").Append(r.Prio).Append('\n');
            foreach (var (stem, regexpr) in r.Stems) sb.Append("\tstem    : ").Append(stem).Append(stars.Contains(stem) ? "*" : "").Append(" = ").Append(regexpr).Append('\n');
            foreach (TargetSpec t in r.Targets)
                sb.Append(t.IsSide ? "\tside target : " : "\ttarget  : ").Append(t.Key).Append(" = ").Append(t.Pattern.ToPattern(stars))
                  .Append(t.Flags == TargetFlags.None ? "" : "  (" + t.Flags + ")").Append('\n');
            foreach (DepSpec d in r.Deps)
                sb.Append(d.IsSide ? "\tside dep : " : "\tdep     : ").Append(d.Key).Append(" = ").Append(d.Text ?? "<function>")
                  .Append(d.Flags == DepFlags.None ? "" : "  (" + d.Flags + ")").Append('\n');
            if (r.Dynamic.Count > 0) sb.Append("\tper job : ").Append(string.Join(", ", r.Dynamic)).Append('\n');
            if (r.CmdText.Length > 0)
            {
                sb.Append("\tcmd     :\n");
                foreach (string line in r.CmdText.TrimEnd('\n').Split('\n')) sb.Append("\t\t").Append(line).Append('\n');
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
