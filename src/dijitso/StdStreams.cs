// Writes to stdout and stderr as raw file descriptors. System.Console would first set up the terminal and,
// when the output is a pseudo-terminal (as mpirun gives its ranks), print terminal escape sequences
// (keypad mode) into the output that scripts parse.
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Dijitso;

public static class StdStreams
{
    private static FileStream? _out, _err;

    public static void Out(string text) => Write(_out ??= Open(1), text);

    public static void ErrLine(string text) => Write(_err ??= Open(2), text + "\n");

    private static FileStream Open(int fd) => new(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);

    private static void Write(FileStream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
