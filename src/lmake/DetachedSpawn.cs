// Starts a process detached from the client (spec A9): a session of its own (no terminal, no ^C from the
// user's shell), stdin from /dev/null, stdout and stderr appended to a log file, in a given directory.
// posix_spawn does it all in the child before exec; .NET's Process cannot (no setsid, no file redirection).
using System.Runtime.InteropServices;

namespace Lmake.Client;

internal static unsafe partial class DetachedSpawn
{
    private const short POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    private const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_APPEND = 0x400;
    // Opaque glibc structures (80 and 336 bytes on x86_64): room to spare.
    private const int OpaqueSize = 1024;

    /// <summary>The number the child gets the handed fd as (its first one past stdin, stdout and stderr).</summary>
    public const int HandedFd = 3;

    /// <summary>Returns the child's pid; throws IOException with the system's reason when it cannot start.</summary>
    /// <param name="handedFd">a fd of ours the child gets as <see cref="HandedFd"/> (must not be that number)</param>
    public static int Start(string exe, IReadOnlyList<string> args, string cwd, string logFile, int? handedFd = null)
    {
        var allocated = new List<nint>();
        byte* actions = (byte*)NativeMemory.AllocZeroed(OpaqueSize);
        byte* attributes = (byte*)NativeMemory.AllocZeroed(OpaqueSize);
        byte* emptySignalSet = (byte*)NativeMemory.AllocZeroed(OpaqueSize);   // all zero: no signal blocked
        try
        {
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Check(posix_spawnattr_init(attributes), "posix_spawnattr_init");
            Check(posix_spawn_file_actions_addopen(actions, 0, Utf8("/dev/null", allocated), O_RDONLY, 0), "addopen");
            Check(posix_spawn_file_actions_addopen(actions, 1, Utf8(logFile, allocated), O_WRONLY | O_CREAT | O_APPEND,
                Convert.ToInt32("644", 8)), "addopen");
            Check(posix_spawn_file_actions_adddup2(actions, 1, 2), "adddup2");
            if (handedFd is int fd) Check(posix_spawn_file_actions_adddup2(actions, fd, HandedFd), "adddup2");
            Check(posix_spawn_file_actions_addchdir_np(actions, Utf8(cwd, allocated)), "addchdir");
            Check(posix_spawnattr_setsigmask(attributes, emptySignalSet), "setsigmask");
            Check(posix_spawnattr_setflags(attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK), "setflags");

            byte** argv = StringArray([exe, .. args], allocated);
            var environ = new List<string>();
            foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
                environ.Add($"{e.Key}={e.Value}");
            byte** envp = StringArray(environ, allocated);

            int pid;
            int rc = posix_spawn(&pid, Utf8(exe, allocated), actions, attributes, argv, envp);
            if (rc != 0) throw new IOException($"cannot start {exe}: {Marshal.GetPInvokeErrorMessage(rc)}");
            return pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(emptySignalSet);
            foreach (nint p in allocated) Marshal.FreeCoTaskMem(p);
        }
    }

    /// <summary>When the child has ended, reaps it and gives its exit code (128 + signal when killed).</summary>
    public static bool TryGetExitCode(int pid, out int exitCode)
    {
        int status;
        exitCode = 0;
        if (waitpid(pid, &status, WNOHANG) != pid) return false;
        exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
        return true;
    }

    private const int WNOHANG = 1;

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

    [LibraryImport("libc")] private static partial int waitpid(int pid, int* status, int options);
    [LibraryImport("libc")] private static partial int posix_spawn(int* pid, byte* path, byte* fileActions, byte* attributes, byte** argv, byte** envp);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_init(byte* fileActions);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_destroy(byte* fileActions);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_addopen(byte* fileActions, int fd, byte* path, int flags, int mode);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_adddup2(byte* fileActions, int fd, int newFd);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_addchdir_np(byte* fileActions, byte* path);
    [LibraryImport("libc")] private static partial int posix_spawnattr_init(byte* attributes);
    [LibraryImport("libc")] private static partial int posix_spawnattr_destroy(byte* attributes);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setflags(byte* attributes, short flags);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setsigmask(byte* attributes, byte* signalSet);
}
