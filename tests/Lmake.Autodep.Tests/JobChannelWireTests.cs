// The framing of the in-job command channel: what the runner, ldecode and python all speak.
using System.Buffers.Binary;

namespace Lmake.Autodep.Tests;

public class JobChannelWireTests
{
    [Fact]
    public void Fields_round_trip_including_empty_and_multibyte_ones()
    {
        string[] fields = ["key", "depend", "", "é\nnewline\0nul", new string('x', 70_000)];
        byte[] frame = JobChannelWire.Frame(fields);
        Assert.Equal(frame.Length - 4, JobChannelWire.PayloadLength(frame));
        Assert.Equal(fields, JobChannelWire.Fields(frame.AsSpan(4)));
    }

    [Fact]
    public void A_field_running_past_the_end_is_malformed()
    {
        byte[] frame = JobChannelWire.Frame(["abc", "def"]);
        Assert.Null(JobChannelWire.Fields(frame.AsSpan(4, frame.Length - 5)));
        Assert.Null(JobChannelWire.Fields(new byte[] { 1, 2 }));
    }

    [Fact]
    public void An_oversized_frame_is_refused_before_it_is_read()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(header, JobChannelWire.MaxPayload + 1u);
        Assert.Equal(-1, JobChannelWire.PayloadLength(header));
    }

    [Fact]
    public void Replies_start_with_ok_or_error()
    {
        Assert.Equal(["ok", "a", "b"], JobChannelWire.Fields(JobChannelWire.Ok("a", "b").AsSpan(4)));
        Assert.Equal(["error", "why"], JobChannelWire.Fields(JobChannelWire.Error("why").AsSpan(4)));
    }
}
