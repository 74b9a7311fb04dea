// `dijitso config [--key section.key]`: the parameters in force, one `section.key = value` line each.
using System.Text;
using Dijitso.Params;

namespace Dijitso.Commands;

public static class ConfigCommand
{
    public static int Run(string? key, ParameterOptions options)
    {
        (Parameters p, string? file) = ParameterLoader.Load(options);
        if (key != null)
        {
            if (!Parameters.Keys.Contains(key))
                throw new DijitsoError(DijitsoExit.Usage, $"dijitso config: unknown key '{key}' (known: {string.Join(", ", Parameters.Keys)})");
            StdStreams.Out(p.Get(key) + "\n");
            return DijitsoExit.Ok;
        }
        var output = new StringBuilder();
        output.Append("# config file: ").Append(file ?? "none").Append('\n');
        foreach (string k in Parameters.Keys) output.Append(k).Append(" = ").Append(p.Get(k)).Append('\n');
        StdStreams.Out(output.ToString());
        return DijitsoExit.Ok;
    }
}
