// Starts a thread with pthread_create, for long-lived threads of the server (the engine's, a client's).
// NativeAOT's Thread.Start makes its caller spin on sched_yield until the new thread runs: on 2 busy cores
// that was about a millisecond of CPU per thread, taken from the threads that were doing the work. A
// thread made here enters managed code through an UnmanagedCallersOnly entry, which attaches it to the
// runtime; it is a background thread (it does not keep the process alive), and what its work does not catch
// ends the process, as on any thread.
using System.Runtime.InteropServices;
using System.Text;
using static Lmake.Common.Libc;

namespace Lmake.Common;

public static unsafe class NativeThread
{
    /// <summary>Room for the make algorithm's recursion (a node, its job, their deps...) on deep graphs.</summary>
    private const nuint StackSize = 8 << 20;

    private const int PTHREAD_CREATE_DETACHED = 1;
    private const int AttrSize = 64;   // pthread_attr_t on x86_64 is 56 bytes

    /// <summary>Runs <paramref name="work"/> on a new thread; <paramref name="name"/> is what ps and a
    /// debugger show (15 bytes at most are kept).</summary>
    public static void Start(Action work, string name)
    {
        GCHandle handle = GCHandle.Alloc(new StartInfo(work, name));
        byte* attr = stackalloc byte[AttrSize];
        nuint thread;
        int rc = PthreadAttrInit(attr);
        if (rc == 0)
        {
            PthreadAttrSetDetachState(attr, PTHREAD_CREATE_DETACHED);
            PthreadAttrSetStackSize(attr, StackSize);
            rc = PthreadCreate(&thread, attr, &Entry, (void*)GCHandle.ToIntPtr(handle));
            PthreadAttrDestroy(attr);
        }
        if (rc != 0)
        {
            handle.Free();
            throw new InvalidOperationException($"cannot start thread {name}: {Marshal.GetPInvokeErrorMessage(rc)}");
        }
    }

    private sealed record StartInfo(Action Work, string Name);

    [UnmanagedCallersOnly]
    private static void* Entry(void* argument)
    {
        GCHandle handle = GCHandle.FromIntPtr((nint)argument);
        var start = (StartInfo)handle.Target!;
        handle.Free();
        SetName(start.Name);
        start.Work();
        return null;
    }

    private static void SetName(string name)
    {
        Span<byte> bytes = stackalloc byte[64];
        int n = Encoding.UTF8.GetBytes(name.AsSpan(0, Math.Min(name.Length, 15)), bytes);
        bytes[Math.Min(n, 15)] = 0;   // the kernel keeps 15 bytes and the end
        fixed (byte* p = bytes) PthreadSetNameNp(PthreadSelf(), p);
    }
}
