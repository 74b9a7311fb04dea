// An in-memory repo for the engine's tests: name -> content, with a modification counter standing for the date
// (every write moves it, so the engine sees each write as a possible change and hashes the content again).
// The test edits it between builds as a user would; the fake backend's jobs read and write it.
using System.Text;
using Lmake.Common.Checksums;
using Lmake.Common.Files;
using Lmake.Server.Disk;

namespace Lmake.Server.Tests.Engine;

public sealed class FakeDisk : IRepoDisk
{
    private readonly Dictionary<string, (byte[] Content, long Mtime)> _files = new(StringComparer.Ordinal);
    private long _clock;

    public FakeDisk(params (string Name, string Content)[] files)
    {
        foreach (var (name, content) in files) Write(name, content);
    }

    public void Write(string name, string content)
    {
        lock (_files) _files[name] = (Encoding.UTF8.GetBytes(content), ++_clock);
    }

    /// <summary>The file's content, null when it does not exist.</summary>
    public string? Read(string name)
    {
        lock (_files) return _files.TryGetValue(name, out var f) ? Encoding.UTF8.GetString(f.Content) : null;
    }

    /// <summary>What the engine moved to the quarantine, by name.</summary>
    public List<string> Quarantined { get; } = [];

    public FileStat Stat(string name)
    {
        lock (_files)
            return _files.TryGetValue(name, out var f) ? new FileStat(StatKind.Regular, f.Content.Length, f.Mtime) : default;
    }

    public FileChecksum Checksum(string name, FileStat stat)
    {
        lock (_files)
        {
            if (!_files.TryGetValue(name, out var f)) return FileChecksum.None;
            return new FileChecksum(FileKind.Regular, XxHash.Xxh3_64(f.Content), f.Content.Length == 0);
        }
    }

    public void Unlink(string name)
    {
        lock (_files) _files.Remove(name);
    }

    // (the fake disk has files only: folders are implied by names)
    public void CreateDirectory(string dir) { }

    public void RemoveEmptyParents(string name) { }

    public void Uniquify(IReadOnlyList<string> names) { }

    // (a name is a folder when files are under it and it is no file itself)
    public IReadOnlyList<string>? FilesUnder(string dir)
    {
        lock (_files)
        {
            if (_files.ContainsKey(dir)) return null;
            var under = _files.Keys.Where(k => k.StartsWith(dir + "/", StringComparison.Ordinal)).ToList();
            return under.Count == 0 ? null : under;
        }
    }

    public void RemoveDirectory(string dir)
    {
        lock (_files)
            foreach (string k in _files.Keys.Where(k => k.StartsWith(dir + "/", StringComparison.Ordinal)).ToList()) _files.Remove(k);
    }

    public void Quarantine(string name)
    {
        lock (_files) _files.Remove(name);
        lock (Quarantined) Quarantined.Add(name);
    }
}
