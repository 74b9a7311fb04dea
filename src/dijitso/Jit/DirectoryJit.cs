// Brings one signature into one cache directory, safely against any other process using that directory:
// look, lock, look again (someone may have built it while we waited), build and publish.
using Dijitso.Build;
using Dijitso.Cache;
using Dijitso.Locking;
using Dijitso.Params;

namespace Dijitso.Jit;

public static class DirectoryJit
{
    public static JitStatus Ensure(Parameters p, CacheLayout layout, JitRequest request, Func<JitSource> source)
    {
        string lib = layout.LibPath(request.Signature);
        if (File.Exists(lib)) return JitStatus.Hit;
        using SignatureLock held = SignatureLock.Acquire(layout.LockPath(request.Signature));
        if (File.Exists(lib)) return held.Waited ? JitStatus.Waited : JitStatus.Hit;
        CheckDeps(layout, request);
        Compilation.Build(p, layout, request.Signature, source(), request.Deps);
        return JitStatus.Built;
    }

    /// <summary>A missing dependency would only show as a linker error; say what is missing instead.</summary>
    public static void CheckDeps(CacheLayout layout, JitRequest request)
    {
        foreach (string dep in request.Deps)
            if (!File.Exists(layout.LibPath(dep)))
                throw new DijitsoError(DijitsoExit.NotFound,
                    $"dijitso: --dep {dep}: {layout.LibPath(dep)} is not in the cache (jit it before {request.Signature})");
    }
}
