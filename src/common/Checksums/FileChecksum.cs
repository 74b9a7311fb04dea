// lmake's checksum of a file: what "up to date by content" compares. The kind is part of the value, so a
// file that becomes executable, or is replaced by a symlink with the same bytes, counts as changed.
using System.Text;

namespace Lmake.Common.Checksums;

public enum FileKind : byte
{
    None = 0,       // the file does not exist
    Regular = 1,
    Executable = 2, // a regular file with an execute bit
    Symlink = 3,
    Directory = 4,  // no content checksum: a dep on a directory changes only when it appears or vanishes
}

/// <summary>
/// Printed form (the `xxhsum` command, `lshow`, traces):
/// <c>none</c> (missing), <c>empty-R</c> (empty regular file), <c>&lt;16 hex&gt;-R</c> (regular),
/// <c>&lt;16 hex&gt;-X</c> (executable regular), <c>&lt;16 hex&gt;-L</c> (symlink: hash of the link text).
/// The hash is XXH3-64 of the content; an empty executable prints <c>empty-X</c>. A directory prints <c>dir</c>:
/// a job that probed a missing path must rerun when it becomes a directory (gcc skips a missing -I dir).
/// A fifo or a socket checksums as <c>none</c>: neither is a file lmake can depend on by content.
/// </summary>
// (auto layout: the two bytes beside the hash, not each padded to 8: 16 bytes instead of 24, in every node (twice) and
// every dep a job read (issue 18); it is never written to disk as it lies in memory: the store has its StoredChecksum)
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct FileChecksum(FileKind Kind, ulong Hash, bool IsEmpty)
{
    public static readonly FileChecksum None = new(FileKind.None, 0, false);
    public static readonly FileChecksum Directory = new(FileKind.Directory, 0, false);

    public bool Exists => Kind != FileKind.None;

    /// <summary>A regular file, an executable or a symlink: something with content a job can depend on.</summary>
    public bool IsFile => Kind is FileKind.Regular or FileKind.Executable or FileKind.Symlink;

    public override string ToString()
    {
        if (Kind == FileKind.None) return "none";
        if (Kind == FileKind.Directory) return "dir";
        char suffix = Kind switch { FileKind.Executable => 'X', FileKind.Symlink => 'L', _ => 'R' };
        return IsEmpty ? $"empty-{suffix}" : $"{Hash:x16}-{suffix}";
    }

    /// <summary>Its kind and emptiness in one byte (bit 0: empty, bits 1-7: the kind), for records that keep the hash beside
    /// their other small fields rather than a FileChecksum padded to 16 bytes (the server's nodes and dep records).</summary>
    public byte KindByte => (byte)((int)Kind << 1 | (IsEmpty ? 1 : 0));

    /// <summary>The checksum of a hash and a <see cref="KindByte"/>.</summary>
    public static FileChecksum FromKindByte(ulong hash, byte kindByte) => new((FileKind)(kindByte >> 1), hash, (kindByte & 1) != 0);

    public static bool TryParse(string text, out FileChecksum checksum)
    {
        checksum = None;
        if (text == "none") return true;
        if (text == "dir") { checksum = Directory; return true; }
        int dash = text.LastIndexOf('-');
        if (dash < 0 || dash != text.Length - 2) return false;
        FileKind kind;
        switch (text[^1])
        {
            case 'R': kind = FileKind.Regular; break;
            case 'X': kind = FileKind.Executable; break;
            case 'L': kind = FileKind.Symlink; break;
            default: return false;
        }
        string body = text[..dash];
        if (body == "empty") { checksum = new FileChecksum(kind, XxHash.Xxh3_64(ReadOnlySpan<byte>.Empty), true); return true; }
        if (body.Length != 16 || !ulong.TryParse(body, System.Globalization.NumberStyles.AllowHexSpecifier, null, out ulong hash)) return false;
        checksum = new FileChecksum(kind, hash, false);
        return true;
    }

    /// <summary>Checksums <paramref name="path"/> as it is now, without following a final symlink.</summary>
    public static FileChecksum Of(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            // FileInfo.Exists is false for a dangling symlink (LinkTarget still sees it) and for a directory
            if (info.LinkTarget is null) return System.IO.Directory.Exists(path) ? Directory : None;
        }
        if (info.LinkTarget is string target) return OfSymlinkText(target);
        var file = (FileInfo)info;
        const UnixFileMode anyExec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        FileKind kind = (file.UnixFileMode & anyExec) != 0 ? FileKind.Executable : FileKind.Regular;
        try
        {
            using var h = new XxHasher(XxAlgorithm.Xxh3_64);
            long length;
            using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan))
            {
                length = RandomAccess.GetLength(handle);
                h.AppendFile(handle);
            }
            return new FileChecksum(kind, h.Digest64(), length == 0);
        }
        catch (FileNotFoundException) { return None; }
        catch (DirectoryNotFoundException) { return None; }
        catch (UnauthorizedAccessException) when (System.IO.Directory.Exists(path)) { return None; }
    }

    /// <summary>Checksums <paramref name="path"/> whose lstat the caller already has (no second stat for
    /// the kind; the content is read only for regular files).</summary>
    public static FileChecksum Of(string path, Files.FileStat stat)
    {
        switch (stat.Kind)
        {
            case Files.StatKind.Regular:
            case Files.StatKind.Executable:
            {
                FileKind kind = stat.Kind == Files.StatKind.Executable ? FileKind.Executable : FileKind.Regular;
                if (stat.Size == 0) return new FileChecksum(kind, XxHash.Xxh3_64(ReadOnlySpan<byte>.Empty), true);
                if (RegularFileHash.TryXxh3(path, out ulong hash, out long length)) return new FileChecksum(kind, hash, length == 0);
                return Of(path);
            }
            case Files.StatKind.Symlink:
                return Of(path);
            case Files.StatKind.Directory:
                return Directory;
            default:
                return None;
        }
    }

    public static FileChecksum OfSymlinkText(string linkText)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(linkText);
        return new FileChecksum(FileKind.Symlink, XxHash.Xxh3_64(bytes), bytes.Length == 0);
    }
}
