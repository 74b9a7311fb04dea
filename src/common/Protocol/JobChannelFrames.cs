// The framing of the in-job command channel, shared by the runner (src/autodep/tracking JobChannel) and the
// commands of the job (src/ldecode JobChannelClient); src/python/lmake/_job_api.py holds the python copy:
// change them together.
//   frame   = u32 little-endian payload length, payload
//   payload = fields, each a u32 little-endian byte count then that many UTF-8 bytes
using System.Buffers.Binary;
using System.Text;

namespace Lmake.Common.Protocol;

public static class JobChannelFrames
{
    /// <summary>Larger frames are refused (a client gone mad must not make the runner allocate gigabytes).</summary>
    public const int MaxPayload = 64 << 20;

    public static byte[] Frame(IReadOnlyList<string> fields)
    {
        int size = 0;
        foreach (string f in fields) size += 4 + Encoding.UTF8.GetByteCount(f);
        var frame = new byte[4 + size];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)size);
        int at = 4;
        foreach (string f in fields)
        {
            int n = Encoding.UTF8.GetBytes(f, frame.AsSpan(at + 4));
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(at), (uint)n);
            at += 4 + n;
        }
        return frame;
    }

    /// <summary>The fields of a payload, or null when it is malformed (a field running past the end).</summary>
    public static List<string>? Fields(ReadOnlySpan<byte> payload)
    {
        var fields = new List<string>();
        while (!payload.IsEmpty)
        {
            if (payload.Length < 4) return null;
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(payload);
            if (n > (uint)(payload.Length - 4)) return null;
            fields.Add(Encoding.UTF8.GetString(payload.Slice(4, (int)n)));
            payload = payload[(4 + (int)n)..];
        }
        return fields;
    }

    /// <summary>The payload length announced by a frame header, or -1 when it is too large.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return n > MaxPayload ? -1 : (int)n;
    }
}
