// What the kernel and the dynamic loader read when a job's first program starts, which no shim sees (it is
// not loaded yet): the "#!" interpreters of a script, followed as deep as the kernel goes, and the places of
// the repo where the loader looks for the program's libraries (LD_LIBRARY_PATH, RPATH, RUNPATH). The shim
// does the same for the programs the job execs (src/autodep/shim/exec_deps.c).
using System.Buffers.Binary;
using System.Text;

namespace Lmake.Autodep;

internal static class ExecDeps
{
    /// <summary>The kernel follows at most this many "#!" interpreters (one more is ELOOP).</summary>
    public const int MaxInterpreters = 4;
    private const int MaxLibraryDepth = 4;

    /// <summary>The interpreters the kernel reads to exec script (absolute), with whether each exists.</summary>
    public static List<(string Path, bool Exists)> Interpreters(string script, string cwd)
    {
        var chain = new List<(string, bool)>();
        string current = script;
        for (int depth = 0; depth < MaxInterpreters && InterpreterOf(current) is { } next; depth++)
        {
            string abs = Path.GetFullPath(next, cwd);   // a relative interpreter is relative to the cwd
            bool exists = File.Exists(abs);
            chain.Add((abs, exists));
            if (!exists) break;
            current = abs;
        }
        return chain;
    }

    /// <summary>The name on the "#!" line of path, or null when it is no script.</summary>
    public static string? InterpreterOf(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            Span<byte> head = stackalloc byte[256];
            int n = f.Read(head);
            if (n < 3 || head[0] != '#' || head[1] != '!') return null;
            var line = head[2..n];
            int end = line.IndexOf((byte)'\n');
            if (end >= 0) line = line[..end];
            string text = Encoding.UTF8.GetString(line).Trim();
            int sp = text.IndexOfAny([' ', '\t']);
            text = sp < 0 ? text : text[..sp];
            return text.Length == 0 ? null : text;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Every place the loader tries for the libraries of program (absolute), in order, with whether
    /// the library is there: along its RPATH (when it has no RUNPATH), libraryPath (LD_LIBRARY_PATH, may be
    /// null), its RUNPATH; the system dirs come next and are left out. Libraries found are followed for their
    /// own needs.</summary>
    public static List<(string Path, bool Exists)> LibraryPlaces(string program, string? libraryPath, string cwd)
    {
        var tried = new List<(string, bool)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Search(program, 0);
        return tried;

        void Search(string obj, int depth)
        {
            if (ReadDynamic(obj) is not { } info) return;
            string origin = Path.GetDirectoryName(obj) ?? "/";
            foreach (string name in info.Needed)
            {
                if (name.Contains('/') || !seen.Add(name)) continue;
                string? found = (info.RunPath is null ? Try(info.RPath, origin, name) : null)
                    ?? Try(libraryPath, null, name) ?? Try(info.RunPath, origin, name);
                if (found is not null && depth + 1 < MaxLibraryDepth) Search(found, depth + 1);
            }
        }

        string? Try(string? dirs, string? origin, string name)
        {
            if (dirs is null) return null;
            foreach (string entry in dirs.Split(':', ';'))
            {
                string dir = entry.Length == 0 ? "." : origin is null ? entry : entry.Replace("${ORIGIN}", origin).Replace("$ORIGIN", origin);
                string candidate = Path.GetFullPath(Path.Combine(dir, name), cwd);
                bool exists = File.Exists(candidate);
                tried.Add((candidate, exists));
                if (exists) return candidate;
            }
            return null;
        }
    }

    private sealed record DynamicInfo(List<string> Needed, string? RPath, string? RunPath);

    /// <summary>The DT_NEEDED, DT_RPATH and DT_RUNPATH of a 64-bit little-endian ELF object, or null.</summary>
    private static DynamicInfo? ReadDynamic(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            Span<byte> eh = stackalloc byte[64];
            if (f.Read(eh) != 64 || eh[0] != 0x7f || eh[1] != (byte)'E' || eh[2] != (byte)'L' || eh[3] != (byte)'F' || eh[4] != 2 || eh[5] != 1)
                return null;
            long phoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(eh[32..]);
            int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(eh[54..]), phnum = BinaryPrimitives.ReadUInt16LittleEndian(eh[56..]);
            if (phentsize != 56 || phnum == 0 || phnum > 64) return null;
            byte[] ph = ReadAt(f, phoff, phentsize * phnum);
            var loads = new List<(ulong Vaddr, ulong Off, ulong Size)>();
            (ulong Off, ulong Size)? dynamic = null;
            for (int i = 0; i < phnum; i++)
            {
                var p = ph.AsSpan(i * 56, 56);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(p);
                ulong off = BinaryPrimitives.ReadUInt64LittleEndian(p[8..]), vaddr = BinaryPrimitives.ReadUInt64LittleEndian(p[16..]),
                    filesz = BinaryPrimitives.ReadUInt64LittleEndian(p[32..]);
                if (type == 1) loads.Add((vaddr, off, filesz));
                else if (type == 2) dynamic = (off, filesz);
            }
            if (dynamic is not { } dyn || dyn.Size > 1 << 20) return null;
            byte[] entries = ReadAt(f, (long)dyn.Off, (int)dyn.Size);
            ulong strtab = 0;
            var strings = new List<(long Tag, ulong Value)>();
            for (int at = 0; at + 16 <= entries.Length; at += 16)
            {
                long tag = BinaryPrimitives.ReadInt64LittleEndian(entries.AsSpan(at));
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(entries.AsSpan(at + 8));
                if (tag == 0) break;
                if (tag == 5) strtab = value;                                   // DT_STRTAB
                else if (tag is 1 or 15 or 29) strings.Add((tag, value));       // DT_NEEDED, DT_RPATH, DT_RUNPATH
            }
            long strtabOff = -1;
            foreach (var (vaddr, off, size) in loads)
                if (strtab >= vaddr && strtab < vaddr + size) strtabOff = (long)(strtab - vaddr + off);
            if (strtabOff < 0) return null;
            var info = new DynamicInfo([], null, null);
            string? rpath = null, runpath = null;
            foreach (var (tag, value) in strings)
            {
                string s = ReadString(f, strtabOff + (long)value);
                if (tag == 1) info.Needed.Add(s);
                else if (tag == 15) rpath = s;
                else runpath = s;
            }
            return info with { RPath = rpath, RunPath = runpath };
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        catch (ArgumentException) { return null; }
    }

    private static byte[] ReadAt(FileStream f, long offset, int length)
    {
        var buffer = new byte[length];
        f.Position = offset;
        f.ReadExactly(buffer);
        return buffer;
    }

    private static string ReadString(FileStream f, long offset)
    {
        var buffer = new byte[1024];
        f.Position = offset;
        int n = f.Read(buffer);
        int end = Array.IndexOf(buffer, (byte)0, 0, n);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? n : end);
    }
}
