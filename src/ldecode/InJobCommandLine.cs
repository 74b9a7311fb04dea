// Option parsing and error handling shared by the in-job commands (ldepend, ltarget, lcheck_deps, lencode,
// ldecode). Hand-written rather than System.CommandLine: these run inside jobs, often, and must start fast.
// Short flags combine (-cE), a value follows its option (-t TABLE or -tTABLE, --table TABLE or --table=TABLE),
// `--` ends the options.
using System.Text;
using Lmake.Common;

namespace Lmake.JobCommands;

internal sealed record InJobOption(char Short, string Long, string Help, string? ValueName = null);

internal sealed class UsageError(string message) : Exception(message);

internal sealed class InJobCommandLine
{
    private readonly string _name, _synopsis, _summary;
    private readonly InJobOption[] _options;
    private readonly HashSet<char> _flags = [];
    private readonly Dictionary<char, string> _values = [];
    public List<string> Operands { get; } = [];

    public InJobCommandLine(string name, string synopsis, string summary, params InJobOption[] options)
    {
        _name = name;
        _synopsis = synopsis;
        _summary = summary;
        _options = options;
    }

    public bool Has(char flag) => _flags.Contains(flag);
    public string? Value(char option) => _values.GetValueOrDefault(option);

    public string HelpText
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append("usage: ").Append(_name).Append(' ').Append(_synopsis).Append('\n').Append(_summary).Append('\n');
            foreach (var o in _options)
            {
                string head = $"  -{o.Short}, --{o.Long}" + (o.ValueName is null ? "" : " " + o.ValueName);
                // (a head longer than the column gets one blank still: "VERSION the version", not "VERSIONthe version")
                sb.Append(head.Length < 28 ? head.PadRight(28) : head + " ").Append(o.Help).Append('\n');
            }
            sb.Append("  -h, --help".PadRight(28)).Append("this text;  --version: the version\n");
            sb.Append("exit codes: 0 ok, 1 the request failed (the message says why), 2 internal error,\n")
              .Append("  11 usage error or not inside a job (no $LMAKE_JOB_CHANNEL, or its runner is gone)\n");
            return sb.ToString();
        }
    }

    /// <summary>Parses args; returns false when -h/--version was answered (exit 0). Throws UsageError.</summary>
    public bool Parse(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { Operands.AddRange(args[(i + 1)..]); break; }
            if (a is "-h" or "--help") { Console.Out.Write(HelpText); return false; }
            if (a == "--version") { Console.Out.WriteLine($"{_name} {CommandName.Version}"); return false; }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = a.IndexOf('=');
                string name = eq < 0 ? a[2..] : a[2..eq];
                InJobOption o = Array.Find(_options, x => x.Long == name) ?? throw new UsageError($"unknown option '{a}'");
                if (o.ValueName is null)
                {
                    if (eq >= 0) throw new UsageError($"option --{name} takes no value");
                    _flags.Add(o.Short);
                }
                else if (eq >= 0) _values[o.Short] = a[(eq + 1)..];
                else if (++i < args.Length) _values[o.Short] = args[i];
                else throw new UsageError($"option --{name} needs a value ({o.ValueName})");
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                for (int k = 1; k < a.Length; k++)
                {
                    char c = a[k];
                    InJobOption o = Array.Find(_options, x => x.Short == c) ?? throw new UsageError($"unknown option '-{c}'");
                    if (o.ValueName is null) { _flags.Add(c); continue; }
                    if (k + 1 < a.Length) _values[c] = a[(k + 1)..];
                    else if (++i < args.Length) _values[c] = args[i];
                    else throw new UsageError($"option -{c} needs a value ({o.ValueName})");
                    break;
                }
                continue;
            }
            Operands.Add(a);
        }
        return true;
    }

    /// <summary>Runs a command body with the documented exit codes and one-line messages (never a trace).</summary>
    public static int Run(string name, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageError e)
        {
            Console.Error.WriteLine($"{name}: {e.Message}");
            Console.Error.WriteLine($"({name} -h lists the options)");
            return ExitCode.Usage;
        }
        catch (NotInJobException e)
        {
            Console.Error.WriteLine($"{name}: {e.Message}");
            return ExitCode.Usage;
        }
        catch (RequestFailedException e)
        {
            Console.Error.WriteLine($"{name}: {e.Message}");
            return ExitCode.BuildFailed;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{name}: internal error: {e.Message}");
            return ExitCode.InternalError;
        }
    }
}
