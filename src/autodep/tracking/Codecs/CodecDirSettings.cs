// What the owner of a codec table dir sets for everyone who uses it (codec.md, "Permissions" and "Coherence"):
//   DIR/LMAKE/file_sync   one word, or `file_sync = '...'` in DIR/LMAKE/config.py (the file wins):
//       auto (default)  dir on the file systems known to lack coherence (NFS, Lustre, BeeGFS, Ceph), else none
//       none, afs       no precaution (a local disk; afs is taken as none, as codec.md says)
//       dir             the enclosing dirs are opened before a read and after a write (close-to-open coherence)
//       readdir         the same, with each dir read too
//       sync            dir, and every file and dir written is fsync'ed
//   Anything else is refused with one message naming the file.
// Permissions: what an encoder creates gets the rights of DIR itself (a dir 2775 shared by a group gives 2775
// dirs and 664 files), whatever the encoder's umask, so that a table the group shares stays writable by all
// of it; the setgid bit, set by the owner on DIR, makes the kernel give new entries DIR's group.
using System.Text.RegularExpressions;
using Lmake.Common;

namespace Lmake.Autodep;

public sealed partial class CodecDirSettings
{
    public static readonly string[] FileSyncValues = ["auto", "none", "dir", "readdir", "sync", "afs"];

    /// <summary>The method in force, auto resolved: none, dir, readdir or sync.</summary>
    public string FileSync { get; }
    /// <summary>The rights of new dirs and new files (no umask applies).</summary>
    public UnixFileMode DirMode { get; }
    public UnixFileMode FileMode { get; }

    private readonly string _root;

    private CodecDirSettings(string root, string fileSync, UnixFileMode dirMode)
    {
        _root = root;
        FileSync = fileSync;
        DirMode = dirMode & ~UnixFileMode.SetUser;
        FileMode = dirMode & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite |
                              UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
    }

    [GeneratedRegex(@"^\s*file_sync\s*=\s*['""]([^'""]*)['""]", RegexOptions.Multiline)] private static partial Regex ConfigLine();

    /// <summary>The settings of the table dir; InvalidDataException for a file_sync that is none of the values.</summary>
    public static CodecDirSettings Of(string dir)
    {
        string? value = null, from = null;
        string file = Path.Combine(dir, "LMAKE", "file_sync"), config = Path.Combine(dir, "LMAKE", "config.py");
        if (File.Exists(file)) { value = File.ReadAllText(file).Trim(); from = file; }
        else if (File.Exists(config) && ConfigLine().Match(File.ReadAllText(config)) is { Success: true } m) { value = m.Groups[1].Value; from = config; }
        value ??= "auto";
        if (!FileSyncValues.Contains(value))
            throw new InvalidDataException($"{from}: file_sync '{value}' is none of {string.Join(", ", FileSyncValues)}");
        if (value == "afs") value = "none";
        if (value == "auto") value = IncoherentFileSystem(dir) ? "dir" : "none";
        return new CodecDirSettings(dir, value, File.GetUnixFileMode(dir));
    }

    // f_type of the file systems codec.md names as lacking coherence
    private const long NfsMagic = 0x6969, LustreMagic = 0x0BD00BD0, BeegfsMagic = 0x19830326, CephMagic = 0x00C36400;

    private static unsafe bool IncoherentFileSystem(string dir)
    {
        byte* buffer = stackalloc byte[256];
        if (Libc.Statfs(dir, buffer) != 0) return false;
        long type = *(long*)buffer;
        return type is NfsMagic or LustreMagic or BeegfsMagic or CephMagic;
    }

    /// <summary>Before reading name (a file of the table): its dirs opened (and read), from the table's root down.</summary>
    public void BeforeRead(string name)
    {
        if (FileSync == "none") return;
        foreach (string d in EnclosingDirs(name))
        {
            if (FileSync == "readdir") { try { foreach (string _ in Directory.EnumerateFileSystemEntries(d)) { } } catch (IOException) { } }
            else Touch(d, sync: false);
        }
    }

    /// <summary>After writing name (a file or link of the table): its dirs opened again (fsync'ed with sync).</summary>
    public void AfterWrite(string name)
    {
        if (FileSync == "none") return;
        bool sync = FileSync == "sync";
        if (sync) Touch(name, sync: true);
        foreach (string d in EnclosingDirs(name).Reverse()) Touch(d, sync);
    }

    /// <summary>mkdir -p of dir under the table's root, each new level with <see cref="DirMode"/>.</summary>
    public void MakeDirs(string dir)
    {
        if (Directory.Exists(dir)) return;
        string? parent = Path.GetDirectoryName(dir);
        if (parent != null && parent.Length >= _root.Length) MakeDirs(parent);
        try { Directory.CreateDirectory(dir); }
        catch (IOException) when (Directory.Exists(dir)) { return; }   // another encoder made it
        File.SetUnixFileMode(dir, DirMode);
    }

    private IEnumerable<string> EnclosingDirs(string name)
    {
        var dirs = new List<string>();
        for (string? d = Path.GetDirectoryName(name); d != null && d.Length >= _root.Length; d = Path.GetDirectoryName(d)) dirs.Add(d);
        dirs.Reverse();
        return dirs;
    }

    private static void Touch(string name, bool sync)
    {
        int fd = Libc.Open(name, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return;
        if (sync) Libc.Fsync(fd);
        Libc.Close(fd);
    }
}
