// What every lmake command does with its System.CommandLine definition: answer -h / --version locally,
// turn parse errors into one UsageException, never read @response files (a target may start with '@').
using System.CommandLine;
using System.CommandLine.Help;

namespace Lmake.Common.Commands;

public static class CommandLineParsing
{
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    public static ParseResult ParseOrThrow(RootCommand root, string[] args, string commandName)
    {
        ParseResult r = root.Parse(args, Configuration);
        if (r.Errors.Count > 0 && !AsksHelpOrVersion(root, r))
            throw new UsageException($"{commandName}: {r.Errors[0].Message}");
        return r;
    }

    public static bool AsksHelpOrVersion(RootCommand root, ParseResult r)
    {
        foreach (Option o in root.Options)
            if ((o is HelpOption || o is VersionOption) && r.GetResult(o) is not null) return true;
        return false;
    }

    /// <summary>Prints the help (then <paramref name="extraHelp"/>) or the version when asked; else false.</summary>
    public static bool TryAnswerLocally(RootCommand root, string[] args, TextWriter output, string extraHelp = "")
    {
        ParseResult r = root.Parse(args, Configuration);
        foreach (Option o in root.Options)
        {
            if (r.GetResult(o) is null) continue;
            if (o is HelpOption)
            {
                r.Invoke(new InvocationConfiguration { Output = output, Error = output });
                if (extraHelp.Length > 0) output.Write(extraHelp);
                return true;
            }
            if (o is VersionOption)
            {
                output.WriteLine($"lmake-cs {CommandName.Version}");
                return true;
            }
        }
        return false;
    }
}
