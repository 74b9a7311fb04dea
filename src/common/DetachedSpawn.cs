// Starts a process detached from its caller (spec A9: lmake starting its server, a server starting lcache_server):
// a session of its own (no terminal, no ^C from the user's shell), stdin from /dev/null, stdout and stderr appended
// to a log file, in a given directory.
// posix_spawn does it all in the child before exec; .NET's Process cannot (no setsid, no file redirection).
using System.Runtime.InteropServices;
using static Lmake.Common.Libc;

namespace Lmake.Common;

public static unsafe class DetachedSpawn
{
    // Opaque glibc structures (80 and 336 bytes on x86_64): room to spare.
    private const int OpaqueSize = 1024;

    /// <summary>The number the child gets the handed fd as (its first one past stdin, stdout and stderr).</summary>
    public const int HandedFd = 3;

    /// <summary>Returns the child's pid; throws IOException with the system's reason when it cannot start.</summary>
    /// <param name="handedFd">a fd of ours the child gets as <see cref="HandedFd"/> (must not be that number)</param>
    /// <param name="environ">the child's environment as NAME=VALUE entries (default: ours)</param>
    public static int Start(string exe, IReadOnlyList<string> args, string cwd, string logFile, int? handedFd = null,
        IEnumerable<string>? environ = null)
    {
        var allocated = new List<nint>();
        byte* actions = (byte*)NativeMemory.AllocZeroed(OpaqueSize);
        byte* attributes = (byte*)NativeMemory.AllocZeroed(OpaqueSize);
        byte* emptySignalSet = (byte*)NativeMemory.AllocZeroed(OpaqueSize);   // all zero: no signal blocked
        try
        {
            Check(FileActionsInit(actions), "posix_spawn_file_actions_init");
            Check(SpawnAttrInit(attributes), "posix_spawnattr_init");
            Check(FileActionsAddOpen(actions, 0, Utf8("/dev/null", allocated), O_RDONLY, 0), "addopen");
            Check(FileActionsAddOpen(actions, 1, Utf8(logFile, allocated), O_WRONLY | O_CREAT | O_APPEND,
                Convert.ToInt32("644", 8)), "addopen");
            Check(FileActionsAddDup2(actions, 1, 2), "adddup2");
            if (handedFd is int fd) Check(FileActionsAddDup2(actions, fd, HandedFd), "adddup2");
            Check(FileActionsAddChdir(actions, Utf8(cwd, allocated)), "addchdir");
            Check(SpawnAttrSetSigMask(attributes, emptySignalSet), "setsigmask");
            Check(SpawnAttrSetFlags(attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK), "setflags");

            byte** argv = StringArray([exe, .. args], allocated);
            byte** envp = StringArray([.. environ ?? CurrentEnviron()], allocated);

            int pid;
            int rc = PosixSpawn(&pid, Utf8(exe, allocated), actions, attributes, argv, envp);
            if (rc != 0) throw new IOException($"cannot start {exe}: {Marshal.GetPInvokeErrorMessage(rc)}");
            return pid;
        }
        finally
        {
            FileActionsDestroy(actions);
            SpawnAttrDestroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(emptySignalSet);
            foreach (nint p in allocated) Marshal.FreeCoTaskMem(p);
        }
    }

    /// <summary>Our environment as NAME=VALUE entries.</summary>
    public static IEnumerable<string> CurrentEnviron()
    {
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            yield return $"{e.Key}={e.Value}";
    }

    /// <summary>When the child has ended, reaps it and gives its exit code (128 + signal when killed).</summary>
    public static bool TryGetExitCode(int pid, out int exitCode)
    {
        int status;
        exitCode = 0;
        if (WaitPid(pid, &status, WNOHANG) != pid) return false;
        exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
        return true;
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0) throw new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(rc)}");
    }

    private static byte* Utf8(string s, List<nint> allocated)
    {
        nint p = Marshal.StringToCoTaskMemUTF8(s);
        allocated.Add(p);
        return (byte*)p;
    }

    private static byte** StringArray(IReadOnlyList<string> strings, List<nint> allocated)
    {
        nint block = Marshal.AllocCoTaskMem((strings.Count + 1) * sizeof(nint));
        allocated.Add(block);
        byte** array = (byte**)block;
        for (int i = 0; i < strings.Count; i++) array[i] = Utf8(strings[i], allocated);
        array[strings.Count] = null;
        return array;
    }
}
