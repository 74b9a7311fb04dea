// LossTolerantWriter: what the device refuses is counted and dropped, never thrown; what it takes comes out whole,
// a character cut in two by the writes included.
using System.Text;
using Lmake.Common;

namespace Lmake.Common.Tests;

public class LossTolerantWriterTests
{
    [Fact]
    public void AFullDeviceLosesTheLinesWithoutThrowing()
    {
        using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);   // as a console stream: no buffer
        var writer = new LossTolerantWriter(full);
        writer.WriteLine("cannot record the infos of 1 job(s): No space left on device");
        writer.Write('x');
        writer.Flush();
        Assert.True(writer.Lost > 60, $"lost {writer.Lost} bytes");
    }

    [Fact]
    public void WhatTheDeviceTakesComesOutWhole()
    {
        using var sink = new MemoryStream();
        var writer = new LossTolerantWriter(sink);
        string text = "repo \U0001F600 é done";
        foreach (char c in text) writer.Write(c);   // the emoji's two halves in two writes
        writer.WriteLine();
        writer.WriteLine(new string('a', 10_000));   // more than the writer's own buffer
        Assert.Equal(text + "\n" + new string('a', 10_000) + "\n", Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(0, writer.Lost);
    }
}
