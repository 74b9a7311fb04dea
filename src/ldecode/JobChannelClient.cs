// The job's side of the in-job command channel: connect to $LMAKE_JOB_CHANNEL ("NAME:KEY", an abstract unix
// socket of the process running the job), send one request, wait for the reply, framed as
// Lmake.Common.Protocol.JobChannelFrames says:
//   request = KEY VERB CWD ARGS...;  reply = "ok" RESULTS... | "error" MESSAGE
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Lmake.Common;
using Lmake.Common.Protocol;
using System.Text;

namespace Lmake.JobCommands;

/// <summary>Not in a job, or the job's runner cannot be reached: the command exits with ExitCode.Usage.</summary>
internal sealed class NotInJobException(string message) : Exception(message);

/// <summary>The runner answered "error": the command prints the message and exits 1.</summary>
internal sealed class RequestFailedException(string message) : Exception(message);

internal static unsafe class JobChannelClient
{
    public const string EnvironmentName = "LMAKE_JOB_CHANNEL";

    /// <summary>Sends VERB with its arguments and returns the results of an "ok" reply.</summary>
    public static List<string> Call(string verb, IReadOnlyList<string> args)
    {
        string? channel = Environment.GetEnvironmentVariable(EnvironmentName);
        if (string.IsNullOrEmpty(channel))
            throw new NotInJobException($"not inside an lmake job (${EnvironmentName} is not set): in-job commands run in jobs started by lmake or lautodep");
        if (channel == DebugAnswers.Channel) return DebugAnswers.Call(verb, args);
        int colon = channel.LastIndexOf(':');
        if (colon <= 0) throw new NotInJobException($"${EnvironmentName} is malformed: '{channel}'");
        string name = channel[..colon], key = channel[(colon + 1)..];

        var fields = new List<string>(args.Count + 3) { key, verb, Environment.CurrentDirectory };
        fields.AddRange(args);
        int fd = Connect(name);
        try
        {
            SendAll(fd, JobChannelFrames.Frame(fields));
            byte* header = stackalloc byte[4];
            RecvExactly(fd, header, 4);
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(header, 4));
            var payload = new byte[length];
            fixed (byte* p = payload) RecvExactly(fd, p, length);
            List<string> reply = JobChannelFrames.Fields(payload) ?? [];
            if (reply.Count >= 1 && reply[0] == "ok") return reply.GetRange(1, reply.Count - 1);
            throw new RequestFailedException(reply.Count >= 2 ? reply[1] : "malformed reply from the job's runner");
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static int Connect(string name)
    {
        int fd = Libc.Socket(1 /*AF_UNIX*/, 1 /*SOCK_STREAM*/ | 0x80000 /*SOCK_CLOEXEC*/, 0);
        if (fd < 0) throw new IOException("socket: " + Marshal.GetLastPInvokeError());
        byte[] n = Encoding.UTF8.GetBytes(name);
        byte* addr = stackalloc byte[110];
        *(ushort*)addr = 1;
        addr[2] = 0;  // abstract namespace
        for (int i = 0; i < n.Length && i < 100; i++) addr[3 + i] = n[i];
        while (Libc.Connect(fd, addr, 3 + Math.Min(n.Length, 100)) != 0)
        {
            if (Marshal.GetLastPInvokeError() == 4 /*EINTR*/) continue;
            Libc.Close(fd);
            throw new NotInJobException($"the job's runner cannot be reached at @{name} (the job has ended, or ${EnvironmentName} is stale)");
        }
        return fd;
    }

    private static void SendAll(int fd, byte[] data)
    {
        int at = 0;
        fixed (byte* b = data)
        {
            while (at < data.Length)
            {
                nint n = Libc.Send(fd, b + at, data.Length - at, 0x4000 /*MSG_NOSIGNAL*/);
                if (n > 0) { at += (int)n; continue; }
                if (n < 0 && Marshal.GetLastPInvokeError() == 4) continue;
                throw new NotInJobException("the job's runner closed the connection");
            }
        }
    }

    private static void RecvExactly(int fd, byte* buffer, int count)
    {
        int at = 0;
        while (at < count)
        {
            nint n = Libc.Recv(fd, buffer + at, count - at, 0);
            if (n > 0) { at += (int)n; continue; }
            if (n < 0 && Marshal.GetLastPInvokeError() == 4) continue;
            throw new NotInJobException("the job's runner closed the connection before answering (the job is ending?)");
        }
    }
}
