// Multi-call executables: one binary serves several commands, chosen by the name it was called by.
namespace Lmake.Common;

public static class CommandName
{
    /// <summary>The basename of argv[0] (a link in bin/ keeps its own name; the real file is resolved
    /// only to find the install root).</summary>
    public static string Invoked
    {
        get
        {
            string[] argv = Environment.GetCommandLineArgs();
            return argv.Length > 0 ? Path.GetFileName(argv[0]) : "";
        }
    }

    public static string Version => typeof(CommandName).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
