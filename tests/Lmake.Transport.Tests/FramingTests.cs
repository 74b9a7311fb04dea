// The wire format: frames, payloads, hello and request messages, and how a bad peer is refused.
using Lmake.Common.Protocol;

namespace Lmake.Transport.Tests;

public class FramingTests
{
    [Fact]
    public void FramesComeBackInOrderThenEndCleanly()
    {
        var stream = new MemoryStream();
        var writer = new FrameWriter(stream);
        writer.Write(MessageKind.Out, "héllo"u8);
        writer.Write(MessageKind.Welcome);
        writer.Write(MessageKind.Exit, new PayloadWriter().Int(-7));
        stream.Position = 0;
        var reader = new FrameReader(stream);

        Frame a = reader.Read()!.Value;
        Assert.Equal(MessageKind.Out, a.Kind);
        Assert.Equal("héllo", System.Text.Encoding.UTF8.GetString(a.Payload.Span));
        Frame b = reader.Read()!.Value;
        Assert.Equal(MessageKind.Welcome, b.Kind);
        Assert.True(b.Payload.IsEmpty);
        Assert.Equal(-7, reader.Read()!.Value.Reader().Int());
        Assert.Null(reader.Read());
    }

    [Fact]
    public void StreamCutInsideAFrameIsAProtocolError()
    {
        var stream = new MemoryStream();
        new FrameWriter(stream).Write(MessageKind.Err, "some error line"u8);
        var cut = new MemoryStream(stream.ToArray()[..^3]);
        Assert.Throws<ProtocolException>(() => new FrameReader(cut).Read());
    }

    [Fact]
    public void AbsurdLengthIsRefusedWithoutAllocating()
    {
        var stream = new MemoryStream([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);
        var e = Assert.Throws<ProtocolException>(() => new FrameReader(stream).Read());
        Assert.Contains("bad frame length", e.Message);
    }

    [Fact]
    public void RequestRoundTrips()
    {
        var env = new Dictionary<string, string> { ["HOME"] = "/home/u", ["LMAKE_ARGS"] = "-j 2", ["EMPTY"] = "" };
        var sent = new RequestMessage("lmake", ["-j", "3", "a b", "é"], "/repo/sub", "/repo", env, true);
        var stream = new MemoryStream();
        new FrameWriter(stream).Write(MessageKind.Request, sent.Encode());
        stream.Position = 0;
        RequestMessage got = RequestMessage.Decode(new FrameReader(stream).Read()!.Value);

        Assert.Equal("lmake", got.Command);
        Assert.Equal(sent.Args, got.Args);
        Assert.Equal("/repo/sub", got.Cwd);
        Assert.Equal("/repo", got.RepoRoot);
        Assert.Equal(env.OrderBy(p => p.Key), got.Environ.OrderBy(p => p.Key));
        Assert.True(got.StdoutIsTerminal);
    }

    [Fact]
    public void ProgressReportRoundTripsAndIsCheckedForItsLength()
    {
        var sent = new ProgressReport(Done: 1200, Failed: 3, Running: 2, Queued: 40, EtaUnixMs: 1_796_000_000_123);
        var stream = new MemoryStream();
        var writer = new FrameWriter(stream);
        writer.Write(MessageKind.Progress, sent.Encode());
        writer.Write(MessageKind.Progress, sent.Encode().WrittenSpan[..^1]);
        stream.Position = 0;
        var reader = new FrameReader(stream);
        Assert.Equal(sent, ProgressReport.Decode(reader.Read()!.Value));
        Frame cut = reader.Read()!.Value;
        Assert.Throws<ProtocolException>(() => ProgressReport.Decode(cut));
    }

    [Fact]
    public void TruncatedRequestPayloadIsAProtocolError()
    {
        var full = new RequestMessage("lmake", ["x"], "/r", "/r", new Dictionary<string, string>(), false).Encode();
        var stream = new MemoryStream();
        new FrameWriter(stream).Write(MessageKind.Request, full.WrittenSpan[..^5]);
        stream.Position = 0;
        Frame f = new FrameReader(stream).Read()!.Value;
        Assert.Throws<ProtocolException>(() => RequestMessage.Decode(f));
    }

    [Theory]
    [InlineData("the-key", null)]
    [InlineData("other-key", "bad key")]
    [InlineData("", "bad key")]
    public void HelloIsCheckedAgainstTheKey(string given, string? refusal)
    {
        var stream = new MemoryStream();
        new FrameWriter(stream).Write(MessageKind.Hello, Hello.Encode(given));
        stream.Position = 0;
        Assert.Equal(refusal, Hello.Check(new FrameReader(stream).Read()!.Value, "the-key"));
    }

    [Fact]
    public void HelloOfAnotherProtocolVersionIsRefusedPlainly()
    {
        var stream = new MemoryStream();
        new FrameWriter(stream).Write(MessageKind.Hello, new PayloadWriter().String(Hello.Magic).Int(99).String("k"));
        stream.Position = 0;
        Assert.Equal($"protocol version 99, server speaks {Hello.Version}", Hello.Check(new FrameReader(stream).Read()!.Value, "k"));
    }

    [Fact]
    public void KeysAreRandomAndLong()
    {
        string a = Hello.NewKey(), b = Hello.NewKey();
        Assert.NotEqual(a, b);
        Assert.Matches("^[0-9a-f]{64}$", a);
    }

    [Fact]
    public void ServerAddressFileRoundTripsAndRejectsJunk()
    {
        var address = new ServerAddress(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 4321), 777);
        Assert.Equal("127.0.0.1:4321\n777\n", address.Format());
        Assert.Equal(address, ServerAddress.Parse(address.Format()));
        Assert.Null(ServerAddress.Parse("127.0.0.1:4321\n"));
        Assert.Null(ServerAddress.Parse("nonsense\n12\n"));
        Assert.Null(ServerAddress.Parse("127.0.0.1:4321\n-3\n"));
    }
}
