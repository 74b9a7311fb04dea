// A broken Lmakefile.py (syntax error, bad pattern, unknown config key, duplicate rule...): the message names
// the file, the line and the rule ("Lmakefile.py:12: rule Compile: ..."); the command exits with ExitCode.
namespace Lmake.Server.Rules;

public sealed class LmakefileException : Exception
{
    /// <summary>The exit code of the command that hit it: 8 (bad Lmakefile), or 2 when the reader itself broke.</summary>
    public int ExitCode { get; }

    public LmakefileException(string message, int exitCode = Lmake.Common.ExitCode.BadLmakefile) : base(message) => ExitCode = exitCode;
}
