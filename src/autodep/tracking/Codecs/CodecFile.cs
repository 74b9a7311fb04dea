// A codec table file on disk (format: CodecFileFormat). Every reader and writer holds an flock on the file
// itself (shared to read, exclusive to write): an encoder appends its new line, a rewrite to the canonical form
// goes through a temporary file renamed over the table, so a crash never leaves half a table. A process that
// waited for the lock of a file renamed over meanwhile takes the lock again on the new one.
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;

namespace Lmake.Autodep;

public static unsafe class CodecFile
{
    /// <summary>The associations of the table (none when there is no file) and whether the file is canonical (a
    /// missing file is: it stands for an empty table).</summary>
    public static CodecEntries Load(string path, out bool canonical)
    {
        if (!File.Exists(path)) { canonical = true; return new CodecEntries(); }
        using var held = new TableLock(path, exclusive: false);
        return CodecFileFormat.Parse(held.ReadAll(), out canonical);
    }

    /// <summary>Writes the canonical form of the associations as the table.</summary>
    public static void Rewrite(string path, CodecEntries entries)
    {
        using var held = new TableLock(path, exclusive: true);
        held.Replace(CodecFileFormat.Format(entries));
    }

    /// <summary>lencode without a server (lautodep, ldebug): the code of the value, appended to the file when new.
    /// The file is read under the lock, so concurrent encoders of one value agree on its code.</summary>
    public static string Encode(string path, string context, string value, int minLen)
    {
        using var held = new TableLock(path, exclusive: true);
        CodecEntries entries = CodecFileFormat.Parse(held.ReadAll(), out _);
        string code = entries.GetOrAdd(context, value, minLen, out bool added);
        if (added) held.Append(CodecFileFormat.Line(context, code, value));
        return code;
    }

    /// <summary>The server's lencode on a table it keeps in memory (<paramref name="entries"/>, read from the file when
    /// it was <paramref name="knownLength"/> long): under the lock, what other processes appended since is taken in
    /// first (associations whose code and value are both free), so that two writers never give one code two values.
    /// Returns the code; <paramref name="tookIn"/>: associations of others were taken in, <paramref name="added"/>: this
    /// one is new.</summary>
    public static string EncodeShared(string path, CodecEntries entries, string context, string value, int minLen, ref long knownLength,
        out bool tookIn, out bool added)
    {
        using var held = new TableLock(path, exclusive: true);
        tookIn = false;
        if (held.Length != knownLength)
            foreach (var (c, k, v) in CodecFileFormat.Parse(held.ReadAll(), out _).All)
                if (entries.Decode(c, k) == null && entries.Encode(c, v) == null) { entries.Add(c, k, v); tookIn = true; }
        string code = entries.GetOrAdd(context, value, minLen, out added);
        if (added) held.Append(CodecFileFormat.Line(context, code, value));
        knownLength = held.Length;
        return code;
    }

    /// <summary>The length of the table file (0 when missing): what the server last read, to see another writer.</summary>
    public static long LengthOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>An flock held on the table file (created empty when missing).</summary>
    private readonly struct TableLock : IDisposable
    {
        private readonly int _fd;
        private readonly string _path;

        public TableLock(string path, bool exclusive)
        {
            _path = path;
            for (; ; )
            {
                _fd = Libc.Open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0x1b6);
                if (_fd < 0) throw new IOException($"cannot open codec table {path} : {Native.ErrorText(Marshal.GetLastPInvokeError())}");
                while (Libc.Flock(_fd, exclusive ? LOCK_EX : LOCK_SH) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Native.EINTR) continue;
                    Libc.Close(_fd);
                    throw new IOException($"cannot lock codec table {path} : {Native.ErrorText(errno)}");
                }
                if (StillThere()) return;
                Libc.Close(_fd);   // renamed over while we waited: lock the new file
            }
        }

        /// <summary>Is the locked file still the one at the path (not replaced by a rewrite)?</summary>
        private bool StillThere()
        {
            Libc.Stat locked, named;
            byte[] empty = [0];
            byte[] name = Encoding.UTF8.GetBytes(_path + "\0");
            fixed (byte* e = empty)
            fixed (byte* n = name)
            {
                if (Libc.Fstatat(_fd, e, &locked, AT_EMPTY_PATH) != 0) return true;
                if (Libc.Fstatat(AT_FDCWD, n, &named, 0) != 0) return false;
            }
            return locked.Dev == named.Dev && locked.Ino == named.Ino;
        }

        public long Length
        {
            get
            {
                Libc.Stat st;
                byte[] empty = [0];
                fixed (byte* e = empty)
                    return Libc.Fstatat(_fd, e, &st, AT_EMPTY_PATH) == 0 ? st.Size : -1;
            }
        }

        public string ReadAll()
        {
            using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(_fd, ownsHandle: false), FileAccess.Read);
            stream.Position = 0;
            using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 65536, leaveOpen: true);
            return reader.ReadToEnd();
        }

        public void Append(string text)
        {
            using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(_fd, ownsHandle: false), FileAccess.Write);
            stream.Seek(0, SeekOrigin.End);
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
        }

        public void Replace(string text)
        {
            // a table reached through a symbolic link is rewritten where the link leads: the link stays
            string real = new FileInfo(_path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? _path;
            string temp = $"{real}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, real, overwrite: true);
        }

        public void Dispose() => Libc.Close(_fd);   // closing releases the lock
    }

    private const int O_RDWR = 2, O_CREAT = 0x40, O_CLOEXEC = 0x80000, LOCK_SH = 1, LOCK_EX = 2, AT_EMPTY_PATH = 0x1000, AT_FDCWD = -100;
}
