// One build of a signature in one cache directory: writes the header and source, runs the compiler into a
// hidden temporary library, publishes it by rename, stores the source as asked and writes the build log.
// On failure nothing stays in the cache: FAIL_ROOT/jitfailure-SIG/ gets the sources, recompile.sh and the output.
using System.Text;
using Dijitso.Cache;
using Dijitso.Jit;
using Dijitso.Params;

namespace Dijitso.Build;

public static class Compilation
{
    private static readonly UnixFileMode LibMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Builds and publishes; throws DijitsoError(BuildFailed) naming the failure directory.</summary>
    public static void Build(Parameters p, CacheLayout layout, string sig, JitSource src, IReadOnlyList<string> deps)
    {
        string header = layout.HeaderPath(sig);
        string source = layout.SourcePath(sig);
        string lib = layout.LibPath(sig);
        if (src.Header != null) AtomicFile.Write(header, src.Header);
        AtomicFile.Write(source, src.Source);
        Directory.CreateDirectory(layout.LibDir);
        string tempLib = AtomicFile.TempPathFor(lib);
        List<string> argv = CompileCommand.Make(p, layout, source, tempLib, deps);
        ProcessOutput r = ProcessRunner.Run(argv);
        string output = ProcessRunner.Text(r.Stdout) + r.Stderr;
        if (r.ExitCode != 0 || !File.Exists(tempLib))
        {
            AtomicFile.TryDelete(tempLib);
            string failDir = WriteFailure(p, layout, sig, src, deps, output);
            // Nothing of a failed build stays in the cache.
            AtomicFile.TryDelete(source);
            if (src.Header != null) AtomicFile.TryDelete(header);
            throw new DijitsoError(DijitsoExit.BuildFailed,
                $"dijitso: compiling {sig} failed (exit {r.ExitCode}); sources, recompile.sh and compiler output in {failDir}");
        }
        File.SetUnixFileMode(tempLib, LibMode);
        File.Move(tempLib, lib, overwrite: true);
        StoreSource(p, source, src.Source);
        if (p.EnableBuildLog)
            AtomicFile.WriteText(layout.LogPath(sig), ShellQuote.Line(argv.Select(a => a == tempLib ? lib : a)) + "\n\n" + output);
    }

    /// <summary>Publishes a library received from another rank (root mode), with its source and header.</summary>
    public static void Publish(Parameters p, CacheLayout layout, string sig, byte[] library, JitSource src)
    {
        if (src.Header != null) AtomicFile.Write(layout.HeaderPath(sig), src.Header);
        AtomicFile.Write(layout.LibPath(sig), library, LibMode);
        string source = layout.SourcePath(sig);
        if (p.SrcStorage == SrcStorage.Compress) StoredSource.Compress(source, src.Source);
        else if (p.SrcStorage == SrcStorage.Gzip) StoredSource.Gzip(source, src.Source);
        else if (p.SrcStorage == SrcStorage.Keep) AtomicFile.Write(source, src.Source);
    }

    private static void StoreSource(Parameters p, string source, byte[] content)
    {
        switch (p.SrcStorage)
        {
            case SrcStorage.Compress: StoredSource.Compress(source, content); break;
            case SrcStorage.Gzip: StoredSource.Gzip(source, content); break;
            case SrcStorage.Delete: AtomicFile.TryDelete(source); break;
            case SrcStorage.Keep: break;
        }
    }

    private static string WriteFailure(Parameters p, CacheLayout layout, string sig, JitSource src, IReadOnlyList<string> deps, string output)
    {
        string final = layout.FailDir(sig);
        // Written aside then renamed: several ranks or processes may fail on the same signature at once, and a
        // previous failure's files must not mix with this one's.
        string dir = AtomicFile.TempPathFor(final);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, sig + ".cpp"), src.Source);
        string source = Path.Combine(final, sig + ".cpp");
        if (src.Header != null) File.WriteAllBytes(Path.Combine(dir, sig + ".h"), src.Header);
        List<string> argv = CompileCommand.Make(p, layout, source, Path.Combine(final, layout.LibName(sig)), deps, extraIncludeDirs: [final]);
        var script = new StringBuilder();
        script.Append("#!/bin/sh\n# Reproduces the failed compile of ").Append(sig).Append(" (written by dijitso).\n");
        script.Append(ShellQuote.Line(argv)).Append('\n');
        string recompile = Path.Combine(dir, "recompile.sh");
        File.WriteAllText(recompile, script.ToString());
        File.SetUnixFileMode(recompile, LibMode);
        File.WriteAllText(Path.Combine(dir, "error.log"), output);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
                Directory.Move(dir, final);
                return final;
            }
            catch (IOException) when (attempt < 5) { Thread.Sleep(20); }
        }
    }
}
