// Writes to stdout and stderr as raw byte streams. System.Console would first set up the terminal (and, under
// a launcher's pseudo-terminal, print terminal escape sequences into the output that scripts parse).
using System.Text;

namespace Dijitso;

public static class StdStreams
{
    private static Stream? _out, _err;

    public static void Out(string text) => Write(_out ??= Console.OpenStandardOutput(), text);

    public static void ErrLine(string text) => Write(_err ??= Console.OpenStandardError(), text + "\n");

    private static void Write(Stream stream, string text)
    {
        stream.Write(Encoding.UTF8.GetBytes(text));
        stream.Flush();
    }
}
