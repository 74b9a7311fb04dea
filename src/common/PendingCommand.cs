// A command whose name is installed but whose behaviour has not landed yet: it answers -h and --version
// like the others and otherwise says plainly that it is not there, with the internal-error exit code.
using System.CommandLine;

namespace Lmake.Common;

public static class PendingCommand
{
    public static int Run(string name, string summary, string[] args)
    {
        var root = new RootCommand($"{name}: {summary}\n(not implemented in this version of lmake-cs)");
        var rest = new Argument<string[]>("args") { Arity = ArgumentArity.ZeroOrMore };
        root.Arguments.Add(rest);
        root.SetAction(_ =>
        {
            Console.Error.WriteLine($"{name}: not implemented in this version of lmake-cs");
            return ExitCode.InternalError;
        });
        return root.Parse(args).Invoke();
    }
}
