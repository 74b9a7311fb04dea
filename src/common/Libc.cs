// The libc calls of every lmake program but the store (which has its own: it references nothing), declared
// once. Sockets, pipes and eventfds: .NET's Socket starts an epoll thread on first use (its async engine) that
// lmake never needs, and thread starts are a large share of a command that lasts a few milliseconds. Files and
// flocks: .NET's FileStream takes flocks of its own. Processes: posix_spawn does in the child what .NET's
// Process cannot (setsid, redirections, chdir) without its signal and reader threads. Plus pthreads, inotify,
// ptrace, epoll and getrandom. All fds are opened close-on-exec: jobs never inherit them.
using System.Runtime.InteropServices;

namespace Lmake.Common;

public static unsafe partial class Libc
{
    public const int AF_INET = 2, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, SO_RCVTIMEO = 20, IPPROTO_TCP = 6, TCP_NODELAY = 1;
    public const int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    public const int SHUT_RDWR = 2, FIONREAD = 0x541B;
    public const short POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const int EINTR = 4, EAGAIN = 11;
    public const int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_APPEND = 0x400, O_CLOEXEC = 0x80000;
    public const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    public const int ESRCH = 3, EWOULDBLOCK = 11, EACCES = 13, EEXIST = 17, EINVAL = 22, EROFS = 30, ENOLCK = 37, ENOSYS = 38, EOPNOTSUPP = 95;
    public const int WNOHANG = 1;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    public const int F_SETFD = 2, FD_CLOEXEC = 1, F_DUPFD_CLOEXEC = 1030;
    public const uint Loopback = 0x7F00_0001;   // 127.0.0.1, host order

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events, Revents;
    }

    /// <summary>struct sockaddr_in: port and address in network order.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 16)]
    public struct SockAddrIn
    {
        public ushort Family;
        public ushort PortBigEndian;
        public uint AddressBigEndian;
        private ulong _zero;

        public static SockAddrIn For(uint address, int port) => new()
        {
            Family = AF_INET,
            PortBigEndian = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)port),
            AddressBigEndian = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address),
        };

        public readonly int Port => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(PortBigEndian);
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds, Microseconds;
    }

    /// <summary>struct stat of glibc on x86_64 (144 bytes), the fields lmake reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 144)]
    public struct Stat
    {
        [FieldOffset(0)] public ulong Dev;
        [FieldOffset(8)] public ulong Ino;
        [FieldOffset(16)] public ulong Nlink;
        [FieldOffset(24)] public uint Mode;
        [FieldOffset(48)] public long Size;
        [FieldOffset(88)] public long MtimeSec;
        [FieldOffset(96)] public long MtimeNsec;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Rusage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long MaxRssKb;
        public fixed long Rest[13];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>The errno of the last call made with SetLastError.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>The text of the last error of a call made with SetLastError.</summary>
    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    /// <summary>True unless the kernel says no such process exists (EPERM still means it lives).</summary>
    public static bool ProcessAlive(int pid) => Kill(pid, 0) == 0 || Errno != ESRCH;

    // --- sockets (address: a sockaddr_in or a sockaddr_un) ----------------------------------------------

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, void* address, int length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, void* address, int length);

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, void* address, int* length);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, void* address, int* length, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, int* value);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nint count, int timeoutMs);

    // --- fds, files -------------------------------------------------------------------------------------

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary>statfs(2) into a buffer of at least 120 bytes (struct statfs on x86_64 and arm64); its first 8
    /// bytes are f_type, the file system's magic number.</summary>
    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statfs(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fstatat")]
    public static partial int Fstatat(int dirFd, byte* path, Stat* buffer, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true)]
    public static partial int Link(byte* from, byte* to);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true)]
    public static partial nint Readlink(byte* path, byte* buffer, nint size);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true)]
    public static partial byte* RealPath(byte* path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    public static partial nint GetRandom(byte* buffer, nint length, uint flags);

    [LibraryImport("libc", EntryPoint = "strerror")]
    public static partial byte* StrError(int errno);

    // --- inotify, epoll ---------------------------------------------------------------------------------

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true)]
    public static partial int InotifyAddWatch(int fd, byte* path, uint mask);

    [LibraryImport("libc", EntryPoint = "inotify_rm_watch")]
    public static partial int InotifyRmWatch(int fd, int wd);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeoutMs);

    // --- processes (posix_spawn's opaque structures as void*) ---------------------------------------------

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawnp")]
    public static partial int PosixSpawnp(int* pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int FileActionsAddOpen(void* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    public static partial int FileActionsAddChdir(void* actions, byte* path);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttrInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int SpawnAttrDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int SpawnAttrSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int SpawnAttrSetSigMask(void* attributes, void* sigset);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int SpawnAttrSetSigDefault(void* attributes, void* sigset);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* sigset);

    [LibraryImport("libc", EntryPoint = "sigaddset")]
    public static partial int SigAddSet(void* sigset, int signal);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "wait4", SetLastError = true)]
    public static partial int Wait4(int pid, int* status, int options, Rusage* usage);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, int who, int prio);

    [LibraryImport("libc", EntryPoint = "pidfd_open", SetLastError = true)]
    public static partial int PidfdOpen(int pid, uint flags);

    // --- ptrace (the autodep tracer) ------------------------------------------------------------------------

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    public static partial long Ptrace(long request, int pid, nint addr, nint data);

    [LibraryImport("libc", EntryPoint = "process_vm_readv", SetLastError = true)]
    public static partial nint ProcessVmReadv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport("libc", EntryPoint = "process_vm_writev", SetLastError = true)]
    public static partial nint ProcessVmWritev(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    // --- threads (pthread_attr_t as an opaque buffer) ---------------------------------------------------------

    [LibraryImport("libc", EntryPoint = "pthread_attr_init")]
    public static partial int PthreadAttrInit(byte* attr);

    [LibraryImport("libc", EntryPoint = "pthread_attr_destroy")]
    public static partial int PthreadAttrDestroy(byte* attr);

    [LibraryImport("libc", EntryPoint = "pthread_attr_setdetachstate")]
    public static partial int PthreadAttrSetDetachState(byte* attr, int state);

    [LibraryImport("libc", EntryPoint = "pthread_attr_setstacksize")]
    public static partial int PthreadAttrSetStackSize(byte* attr, nuint size);

    [LibraryImport("libc", EntryPoint = "pthread_create")]
    public static partial int PthreadCreate(nuint* thread, byte* attr, delegate* unmanaged<void*, void*> start, void* argument);

    [LibraryImport("libc", EntryPoint = "pthread_self")]
    public static partial nuint PthreadSelf();

    [LibraryImport("libc", EntryPoint = "pthread_setname_np")]
    public static partial int PthreadSetNameNp(nuint thread, byte* name);
}
