// The framing of the in-job command channel: what the runner, ldecode and python all speak.
using Lmake.Common.Protocol;
using System.Buffers.Binary;

namespace Lmake.Autodep.Tests;

public class JobChannelWireTests
{
    [Fact]
    public void Fields_round_trip_including_empty_and_multibyte_ones()
    {
        string[] fields = ["key", "depend", "", "é\nnewline\0nul", new string('x', 70_000)];
        byte[] frame = JobChannelFrames.Frame(fields);
        Assert.Equal(frame.Length - 4, JobChannelFrames.PayloadLength(frame));
        Assert.Equal(fields, JobChannelFrames.Fields(frame.AsSpan(4)));
    }

    [Fact]
    public void A_field_running_past_the_end_is_malformed()
    {
        byte[] frame = JobChannelFrames.Frame(["abc", "def"]);
        Assert.Null(JobChannelFrames.Fields(frame.AsSpan(4, frame.Length - 5)));
        Assert.Null(JobChannelFrames.Fields(new byte[] { 1, 2 }));
    }

    [Fact]
    public void An_oversized_frame_is_refused_before_it_is_read()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(header, JobChannelFrames.MaxPayload + 1u);
        Assert.Equal(-1, JobChannelFrames.PayloadLength(header));
    }

    [Fact]
    public void Replies_start_with_ok_or_error()
    {
        Assert.Equal(["ok", "a", "b"], JobChannelFrames.Fields(JobChannelWire.Ok("a", "b").AsSpan(4)));
        Assert.Equal(["error", "why"], JobChannelFrames.Fields(JobChannelWire.Error("why").AsSpan(4)));
    }
}
