// A command line the user got wrong: the message names the option or argument; the command exits 11.
namespace Lmake.Common.Commands;

public sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }
}
