// Which shell cmds run without a shell: exactly those where bash would only split words and exec.
using Lmake.Server.Backends;

namespace Lmake.Server.Tests;

public class SimpleCommandTests
{
    [Theory]
    [InlineData("gcc -c -o hello.o hello.c", new[] { "gcc", "-c", "-o", "hello.o", "hello.c" })]
    [InlineData("gcc -O0 -Iinclude -c -o src/g000/f00000.o src/g000/f00000.c\n", new[] { "gcc", "-O0", "-Iinclude", "-c", "-o", "src/g000/f00000.o", "src/g000/f00000.c" })]
    [InlineData("  ar rcs lib.a a.o   b.o ", new[] { "ar", "rcs", "lib.a", "a.o", "b.o" })]
    [InlineData("cc -DX=1 -Wl,--whole-archive x.o", new[] { "cc", "-DX=1", "-Wl,--whole-archive", "x.o" })]
    public void PlainCommandsAreSplit(string script, string[] words) =>
        Assert.Equal(words, SimpleCommand.Direct(["/bin/bash", "-c", script]));

    [Theory]
    [InlineData("echo {N} > out")]          // redirection
    [InlineData("cat a | wc")]              // pipe
    [InlineData("a && b")]
    [InlineData("a; b")]
    [InlineData("gcc -o $OUT x.c")]         // expansion
    [InlineData("gcc 'a b'")]               // quoting
    [InlineData("ls *.c")]                  // glob
    [InlineData("cd sub")]                  // builtin
    [InlineData("echo hi")]                 // builtin, even though /bin/echo exists
    [InlineData("X=1 make")]                // assignment
    [InlineData("ls ~/x")]                  // tilde
    [InlineData("a\nb")]                    // two commands
    [InlineData("")]
    public void ShellSyntaxKeepsTheShell(string script) => Assert.Null(SimpleCommand.Direct(["/bin/bash", "-c", script]));

    [Fact]
    public void ShellOptionsOrOtherInterpretersKeepTheirArgv()
    {
        Assert.Null(SimpleCommand.Direct(["/bin/bash", "-e", "-c", "gcc x.c"]));
        Assert.Null(SimpleCommand.Direct(["python3", "-c", "gcc"]));
    }
}
