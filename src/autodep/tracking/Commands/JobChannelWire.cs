// The framing of the in-job command channel (a unix stream socket, see JobChannel). Client copies of it live
// in src/ldecode/JobChannelClient.cs and src/python/lmake/_job_api.py: change all three together.
//   frame   = u32 little-endian payload length, payload
//   payload = fields, each a u32 little-endian byte count then that many UTF-8 bytes
//   request = key, verb, cwd of the caller, then the verb's arguments
//   reply   = "ok" then results, or "error" then one message
using System.Buffers.Binary;
using System.Text;

namespace Lmake.Autodep;

internal static class JobChannelWire
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

    public static byte[] Ok(params string[] results)
    {
        var fields = new List<string>(results.Length + 1) { "ok" };
        fields.AddRange(results);
        return Frame(fields);
    }

    public static byte[] Error(string message) => Frame(["error", message]);
}
