// Runs a child process (the compiler, the generator command) with posix_spawn and one pipe, and waits for it.
// Cheaper than System.Diagnostics.Process, which starts a signal-handling thread and reader threads: on a
// miss, dijitso's own cost must stay a few milliseconds next to the compiler's.
using System.Runtime.InteropServices;
using System.Text;
using static Lmake.Common.Libc;

namespace Dijitso.Build;

public sealed record ProcessOutput(int ExitCode, byte[] Stdout, string Stderr);

public static unsafe class ProcessRunner
{
    /// <summary>Runs argv[0] (looked up on PATH) with the rest as arguments. The compiler's stdout and stderr
    /// are captured together, in the order it wrote them (Stdout holds both). With <paramref name="passStderr"/>
    /// (a generator) only stdout is captured and its messages go straight to our stderr.</summary>
    public static ProcessOutput Run(IReadOnlyList<string> argv, bool passStderr = false, IDictionary<string, string>? env = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            environment[(string)e.Key] = (string?)e.Value ?? "";
        if (env != null) foreach (var (k, v) in env) environment[k] = v;

        var allocated = new List<nint>();
        byte* Utf8(string s) { nint p = Marshal.StringToCoTaskMemUTF8(s); allocated.Add(p); return (byte*)p; }
        byte** args = stackalloc byte*[argv.Count + 1];
        for (int i = 0; i < argv.Count; i++) args[i] = Utf8(argv[i]);
        args[argv.Count] = null;
        byte** envp = (byte**)NativeMemory.Alloc((nuint)(environment.Count + 1), (nuint)sizeof(byte*));
        int n = 0;
        foreach (var (k, v) in environment) envp[n++] = Utf8(k + "=" + v);
        envp[n] = null;

        int* fds = stackalloc int[2];
        byte* actions = stackalloc byte[256]; // posix_spawn_file_actions_t is 80 bytes on glibc x86-64
        try
        {
            if (Pipe2(fds, O_CLOEXEC) != 0) throw new IOException($"pipe2 failed (errno {Marshal.GetLastPInvokeError()})");
            FileActionsInit(actions);
            FileActionsAddDup2(actions, fds[1], 1);
            if (!passStderr) FileActionsAddDup2(actions, fds[1], 2);
            int pid;
            int rc = PosixSpawnp(&pid, args[0], actions, null, args, envp);
            FileActionsDestroy(actions);
            Close(fds[1]);
            if (rc != 0)
            {
                Close(fds[0]);
                return new ProcessOutput(127, [], $"dijitso: cannot run {argv[0]}: {Marshal.GetPInvokeErrorMessage(rc)}\n");
            }
            var output = new MemoryStream();
            byte* buffer = stackalloc byte[16384];
            while (true)
            {
                nint got = Read(fds[0], buffer, 16384);
                if (got > 0) { output.Write(new ReadOnlySpan<byte>(buffer, (int)got)); continue; }
                if (got < 0 && Marshal.GetLastPInvokeError() == EINTR) continue;
                break;
            }
            Close(fds[0]);
            int status;
            while (WaitPid(pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == EINTR) { }
            // Like a shell: the exit status, or 128 + the signal that killed it.
            int code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
            return new ProcessOutput(code, output.ToArray(), "");
        }
        finally
        {
            foreach (nint p in allocated) Marshal.FreeCoTaskMem(p);
            NativeMemory.Free(envp);
        }
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
