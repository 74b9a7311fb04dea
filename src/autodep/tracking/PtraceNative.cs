// The constants and structures of the Linux calls the ptrace tracer makes (x86_64; declared in
// Lmake.Common.Libc): ptrace itself, waitpid on tracees, reading and writing a tracee's memory
// (process_vm_readv/writev) and readlink for names as the tracee sees them (/proc/TID/...).
using System.Runtime.InteropServices;

namespace Lmake.Autodep;

internal static unsafe class PtraceNative
{
    public const int PTRACE_CONT = 7, PTRACE_GETREGS = 12, PTRACE_SETREGS = 13, PTRACE_SYSCALL = 24;
    public const int PTRACE_GETEVENTMSG = 0x4201, PTRACE_SEIZE = 0x4206, PTRACE_LISTEN = 0x4208;
    public const int PTRACE_GET_SYSCALL_INFO = 0x420e;
    public const int PTRACE_O_TRACESYSGOOD = 1, PTRACE_O_TRACEFORK = 2, PTRACE_O_TRACEVFORK = 4, PTRACE_O_TRACECLONE = 8,
        PTRACE_O_TRACEEXEC = 0x10, PTRACE_O_TRACESECCOMP = 0x80, PTRACE_O_EXITKILL = 0x100000;
    public const int PTRACE_EVENT_FORK = 1, PTRACE_EVENT_VFORK = 2, PTRACE_EVENT_CLONE = 3, PTRACE_EVENT_EXEC = 4,
        PTRACE_EVENT_SECCOMP = 7, PTRACE_EVENT_STOP = 128;
    public const byte SYSCALL_INFO_ENTRY = 1, SYSCALL_INFO_EXIT = 2, SYSCALL_INFO_SECCOMP = 3;
    public const int WNOHANG = 1, WALL = 0x40000000, WNOTHREAD = 0x20000000;
    public const int SIGTRAP = 5, SIGKILL = 9, SIGSTOP = 19, SIGCONT = 18, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;
    public const int EINTR = 4, ECHILD = 10, ENOENT = 2, ENOTDIR = 20, ENAMETOOLONG = 36;
    public const int O_WRONLY = 1, O_CLOEXEC = 0x80000;
    public const uint AUDIT_ARCH_X86_64 = 0xc000003e;

    /// <summary>struct ptrace_syscall_info (linux/ptrace.h): for entry and seccomp stops Nr and Args are set,
    /// for exit stops Rval (in Nr's place) and is_error (in Args[0]'s place).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SyscallInfo
    {
        public byte Op;
        private byte _pad0, _pad1, _pad2;
        public uint Arch;
        public ulong InstructionPointer, StackPointer;
        public ulong Nr;
        public fixed ulong Args[6];
        public uint RetData;
        private uint _pad3;
        public readonly long Rval => (long)Nr;
    }

    /// <summary>struct user_regs_struct (x86_64), the registers PTRACE_GETREGS/SETREGS move.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Regs
    {
        public ulong R15, R14, R13, R12, Rbp, Rbx, R11, R10, R9, R8, Rax, Rcx, Rdx, Rsi, Rdi, OrigRax, Rip, Cs, Eflags, Rsp,
            Ss, FsBase, GsBase, Ds, Es, Fs, Gs;
    }

    /// <summary>Whether a failed call's errno means the file is not there (as opposed to: there but refused).</summary>
    public static bool IsMissing(int errno) => errno is ENOENT or ENOTDIR or ENAMETOOLONG;
}
