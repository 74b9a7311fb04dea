// Codec tables (spec B: lencode/ldecode): short codes standing for long values, per context. A code is the
// shortest prefix (at least minLen hex digits) of the value's XXH3-128 checksum that no other value of the
// context uses; the same value always gets the code it already has. Two forms:
// - a file: lines `CONTEXT<TAB>CODE<TAB>VALUE`, sorted by context then code, one line per (context, code)
//   and per (context, value). In VALUE, backslash, newline, tab and carriage return are written \\ \n \t \r.
//   Writers take an flock on TABLE.lock (beside it) and replace the file whole (temp + rename): readers
//   never see half a file and concurrent encoders never lose an entry.
// - a directory: one file TABLE/CONTEXT/CODE per entry holding the value as is. Entries are created with
//   link(2), which fails if the name exists: no lock at all.
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;
using Lmake.Common.Checksums;

namespace Lmake.Autodep;

public static unsafe class CodecTable
{
    private const int MaxCodeLength = 32;

    /// <summary>The code of value in context, adding the entry if the value is new. Throws ArgumentException
    /// for a context that cannot be stored (empty, or with a tab, newline, '/' or NUL).</summary>
    public static string Encode(string table, string context, string value, int minLen)
    {
        CheckContext(context);
        minLen = Math.Clamp(minLen, 1, MaxCodeLength);
        return Directory.Exists(table) ? EncodeInDirectory(table, context, value, minLen) : EncodeInFile(table, context, value, minLen);
    }

    /// <summary>The value of code in context, or null when there is no such entry (or no table).</summary>
    public static string? Decode(string table, string context, string code)
    {
        CheckContext(context);
        if (Directory.Exists(table))
        {
            if (code.Length == 0 || code.Contains('/') || code is "." or "..") return null;
            string entry = Path.Combine(table, context, code);
            return File.Exists(entry) ? File.ReadAllText(entry) : null;
        }
        return Load(table).TryGetValue((context, code), out string? value) ? value : null;
    }

    private static void CheckContext(string context)
    {
        if (context.Length == 0 || context.AsSpan().IndexOfAny("\t\n\r/\0") >= 0 || context is "." or "..")
            throw new ArgumentException($"bad codec context '{context}': it must be a non-empty name without tab, newline or '/'");
    }

    private static string Checksum(string value) => XxHash.Xxh3_128(Encoding.UTF8.GetBytes(value)).ToString();

    // --- file form ---------------------------------------------------------------------------------

    private static string EncodeInFile(string table, string context, string value, int minLen)
    {
        // Most encodes are of known values: look without the lock first (the file is only ever replaced whole).
        var entries = Load(table);
        if (FindCode(entries, context, value) is { } known) return known;
        using var tableLock = new TableLock(table + ".lock");
        entries = Load(table);
        if (FindCode(entries, context, value) is { } raced) return raced;
        string code = NewCode(context, value, minLen, c => entries.ContainsKey((context, c)));
        entries[(context, code)] = value;
        Store(table, entries);
        return code;
    }

    private static string? FindCode(SortedDictionary<(string, string), string> entries, string context, string value)
    {
        foreach (var ((ctx, code), v) in entries)
            if (ctx == context && v == value) return code;
        return null;
    }

    private static string NewCode(string context, string value, int minLen, Func<string, bool> taken)
    {
        string sum = Checksum(value);
        for (int len = minLen; len <= MaxCodeLength; len++)
            if (!taken(sum[..len])) return sum[..len];
        for (int n = 1; ; n++)  // 128 bits collided: never seen, still handled
            if (!taken($"{sum}.{n}")) return $"{sum}.{n}";
    }

    private sealed class OrdinalPairComparer : IComparer<(string, string)>
    {
        public static readonly OrdinalPairComparer Instance = new();
        public int Compare((string, string) x, (string, string) y)
        {
            int c = string.CompareOrdinal(x.Item1, y.Item1);
            return c != 0 ? c : string.CompareOrdinal(x.Item2, y.Item2);
        }
    }

    /// <summary>The entries of a table file (none when it does not exist); malformed lines are skipped, and of
    /// two lines for one (context, code) or one (context, value) the first is kept.</summary>
    public static SortedDictionary<(string Context, string Code), string> Load(string table)
    {
        var entries = new SortedDictionary<(string, string), string>(OrdinalPairComparer.Instance);
        string text;
        try { text = File.ReadAllText(table); }
        catch (FileNotFoundException) { return entries; }
        catch (DirectoryNotFoundException) { return entries; }
        var values = new HashSet<(string, string)>();
        foreach (string line in text.Split('\n'))
        {
            int t1 = line.IndexOf('\t');
            int t2 = t1 < 0 ? -1 : line.IndexOf('\t', t1 + 1);
            if (t2 < 0) continue;
            string context = line[..t1], code = line[(t1 + 1)..t2], value = Unescape(line.AsSpan(t2 + 1));
            if (entries.ContainsKey((context, code)) || !values.Add((context, value))) continue;
            entries[(context, code)] = value;
        }
        return entries;
    }

    private static void Store(string table, SortedDictionary<(string, string), string> entries)
    {
        var sb = new StringBuilder();
        foreach (var ((context, code), value) in entries)
        {
            sb.Append(context).Append('\t').Append(code).Append('\t');
            Escape(sb, value);
            sb.Append('\n');
        }
        string temp = $"{table}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllText(temp, sb.ToString());
        File.Move(temp, table, overwrite: true);
    }

    private static void Escape(StringBuilder sb, string value)
    {
        foreach (char ch in value)
        {
            switch (ch)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\r': sb.Append(@"\r"); break;
                default: sb.Append(ch); break;
            }
        }
    }

    private static string Unescape(ReadOnlySpan<char> text)
    {
        if (text.IndexOf('\\') < 0) return text.ToString();
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch != '\\' || i + 1 == text.Length) { sb.Append(ch); continue; }
            char next = text[++i];
            sb.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
        }
        return sb.ToString();
    }

    /// <summary>An exclusive flock held on a lock file (plain open(2): no .NET emulated lock on top).</summary>
    private readonly struct TableLock : IDisposable
    {
        private readonly int _fd;

        public TableLock(string path)
        {
            _fd = Libc.Open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0x1b6);
            if (_fd < 0) throw new IOException($"cannot open {path}: {Native.ErrorText(Marshal.GetLastPInvokeError())}");
            while (Libc.Flock(_fd, LOCK_EX) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Native.EINTR) continue;
                Libc.Close(_fd);
                throw new IOException($"cannot lock {path}: {Native.ErrorText(errno)}");
            }
        }

        public void Dispose() => Libc.Close(_fd);  // closing releases the lock
    }

    private const int O_RDWR = 2, O_CREAT = 0x40, O_CLOEXEC = 0x80000, LOCK_EX = 2, EEXIST = 17;

    // --- directory form ----------------------------------------------------------------------------

    private static string EncodeInDirectory(string table, string context, string value, int minLen)
    {
        string dir = Path.Combine(table, context);
        Directory.CreateDirectory(dir);
        string sum = Checksum(value);
        string? temp = null;
        try
        {
            for (int len = minLen; ; len++)
            {
                string code = len <= MaxCodeLength ? sum[..len] : $"{sum}.{len - MaxCodeLength}";
                string entry = Path.Combine(dir, code);
                if (File.Exists(entry))
                {
                    if (File.ReadAllText(entry) == value) return code;
                    continue;
                }
                if (temp is null)
                {
                    temp = Path.Combine(dir, $".{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp");
                    File.WriteAllText(temp, value);
                }
                if (TryLink(temp, entry)) return code;
                if (File.ReadAllText(entry) == value) return code;  // another encoder of the same value won the race
            }
        }
        finally
        {
            if (temp is not null) File.Delete(temp);
        }
    }

    private static bool TryLink(string from, string to)
    {
        byte[] f = Encoding.UTF8.GetBytes(from + "\0"), t = Encoding.UTF8.GetBytes(to + "\0");
        fixed (byte* pf = f)
        fixed (byte* pt = t)
        {
            if (Libc.Link(pf, pt) == 0) return true;
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST) return false;
        throw new IOException($"cannot create {to}: {Native.ErrorText(errno)}");
    }
}
