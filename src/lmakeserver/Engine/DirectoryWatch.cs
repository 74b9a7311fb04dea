// Tells the engine which files cannot have changed since it last stat'ed them, so that a no-op `lmake` does
// not lstat every node again: the server keeps inotify watches on the directories of the nodes it knows, and
// a node whose directory and ancestors had no event since its last lstat is as it was. Conservative: a node
// outside the repo or in LMAKE/, a directory that cannot be watched (a symlink, the watch limit), a queue
// overflow, or a node a job of the server wrote (Graph.Invalidate) is stat'ed as before.
// Events are read at the start of each request and then at most DrainPeriod apart: an edit made while a
// request runs is seen as if the node had been checked a little earlier, as a stat could have been.
// Not seen by inotify, hence not by this: a write through a shared mmap, a change made by another machine
// on a network file system, a write through a hard link in another directory.
using System.Diagnostics;
using System.Text;
using Lmake.Common;
using Lmake.Common.Files;

namespace Lmake.Server.Engine;

public sealed class DirectoryWatch
{
    /// <summary>A directory of the repo that nodes are in, or an ancestor of one.</summary>
    internal sealed class Dir
    {
        public Dir(string name, Dir? parent) { Name = name; Parent = parent; }

        public readonly string Name;   // repo-relative, "" for the root
        public readonly Dir? Parent;
        public readonly Dictionary<string, Dir> Children = new(StringComparer.Ordinal);
        public int Wd = -1;            // the inotify watch, -1: not watched
        public bool Absent;            // not watched because it does not exist (its creation is an event of its parent)
        public bool Tried;             // a watch was asked for (and FailedSeq says when it failed)
        public long FailedSeq;
        public long EntrySeq;          // the last event about an entry of the directory
        public long SelfSeq;           // the last event about the directory itself (renamed, removed, created, replaced)
    }

    private static readonly long DrainPeriod = Stopwatch.Frequency / 1000;   // 1 ms

    private readonly string _root;
    private readonly int _fd;
    private readonly Dictionary<string, Dir> _dirs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dir>.AlternateLookup<ReadOnlySpan<char>> _dirsBySpan;
    private readonly Dictionary<int, Dir> _byWd = [];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private long _seq = 1;         // bumped by each read that brings events; a node remembers the one it was stat'ed at
    private long _resetSeq;        // the last queue overflow: every node is to be stat'ed again
    private long _lastDrain;

    private DirectoryWatch(string root, int fd)
    {
        _root = root;
        _fd = fd;
        var rootDir = new Dir("", null);
        _dirs.Add("", rootDir);
        _dirsBySpan = _dirs.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>null when inotify is not available (instance limit reached...): every node is then stat'ed.</summary>
    public static DirectoryWatch? Open(string repoRoot)
    {
        int fd = Libc.InotifyInit1(InNonblock | InCloexec);
        return fd < 0 ? null : new DirectoryWatch(repoRoot, fd);
    }

    /// <summary>A new request: the events up to now are read, whatever the time since the last read.</summary>
    public void Drain()
    {
        _lastDrain = Stopwatch.GetTimestamp();
        bool any = false;
        while (true)
        {
            nint n;
            unsafe { fixed (byte* b = _buffer) n = Libc.Read(_fd, b, _buffer.Length); }
            if (n <= 0) break;   // EAGAIN: no more (an error is as good: nothing to read)
            if (!any) { _seq++; any = true; }
            for (int at = 0; at + 16 <= n;)
            {
                int wd = BitConverter.ToInt32(_buffer, at);
                uint mask = BitConverter.ToUInt32(_buffer, at + 4);
                int len = BitConverter.ToInt32(_buffer, at + 12);
                int nameLength = Array.IndexOf(_buffer, (byte)0, at + 16, len) is int z and >= 0 ? z - at - 16 : len;
                On(wd, mask, nameLength > 0 ? Encoding.UTF8.GetString(_buffer, at + 16, nameLength) : null);
                at += 16 + len;
            }
        }
    }

    private void On(int wd, uint mask, string? name)
    {
        if ((mask & InQOverflow) != 0)
        {
            // events were lost, a removed watch's among them maybe: every watch is made anew when next needed
            foreach (Dir d in _byWd.Values)
            {
                Libc.InotifyRmWatch(_fd, d.Wd);
                d.Wd = -1;
                d.Tried = false;
            }
            _byWd.Clear();
            _resetSeq = _seq;
            return;
        }
        if (!_byWd.TryGetValue(wd, out Dir? dir))
        {
            // a watch removed meanwhile, or one StatPrefetch put and no Dir holds yet: what it saw there is not taken
            _unclaimed.Add(wd);
            return;
        }
        if (name != null)
        {
            dir.EntrySeq = _seq;
            if (dir.Children.TryGetValue(name, out Dir? child)) child.SelfSeq = _seq;
        }
        else dir.SelfSeq = _seq;
        if ((mask & (InIgnored | InDeleteSelf | InMoveSelf | InUnmount)) != 0)
        {
            // the watch no longer says anything of the directory at this name: watched again when next needed
            _byWd.Remove(wd);
            if ((mask & InIgnored) == 0) Libc.InotifyRmWatch(_fd, wd);
            dir.Wd = -1;
            dir.Tried = false;
            dir.SelfSeq = _seq;
        }
    }

    /// <summary>Is the node, stat'ed before (Known), as it was then? false: stat it (and call Stating first).</summary>
    public bool Unchanged(Node node)
    {
        long seen = node.WatchSeq;
        return seen > 0 && node.WatchDir is Dir dir && NoEventSince(dir, seen);
    }

    /// <summary>No event came about the directory's entries, or about it or an ancestor, numbered after <paramref name="seen"/>
    /// (the events up to now read first), and each of them is watched or known absent.</summary>
    private bool NoEventSince(Dir dir, long seen)
    {
        if (Stopwatch.GetTimestamp() - _lastDrain > DrainPeriod) Drain();
        if (seen < _resetSeq || seen < dir.EntrySeq) return false;
        for (Dir? d = dir; d != null; d = d.Parent)
        {
            if (seen < d.SelfSeq) return false;
            if (d.Wd < 0 && !d.Absent) return false;
        }
        return true;
    }

    /// <summary>Just before the node is stat'ed: its directory and ancestors get watched (first, so that what
    /// happens after the stat is an event), and the node remembers what it is checked against.</summary>
    public void Stating(Node node)
    {
        node.WatchSeq = 0;
        if (node.WatchDir == null)
        {
            string name = node.Name;
            if (!IsWatchable(name)) return;
            int slash = name.LastIndexOf('/');
            ReadOnlySpan<char> dirName = slash < 0 ? "" : name.AsSpan(0, slash);
            node.WatchDir = _dirsBySpan.TryGetValue(dirName, out Dir? known) ? known : DirNamed(dirName.ToString());
        }
        if (!Watch(node.WatchDir)) return;
        node.WatchSeq = _seq;
    }

    /// <summary>A node's WatchSeq once the server changed it (Graph.Invalidate): stat it, whatever was seen before.</summary>
    public const long Invalidated = -1;

    /// <summary>A file of the repo, outside LMAKE/: one whose directory is watched.</summary>
    public static bool IsWatchable(string name) =>
        !Path.IsPathRooted(name) && name != State.LmakeDir.Name && !State.LmakeDir.Contains(name);

    /// <summary>The sequence events read from now on are numbered after.</summary>
    public long Sequence => _seq;

    // watches whose events came while no Dir held them (StatPrefetch's, before the engine took them up)
    private readonly HashSet<int> _unclaimed = [];

    /// <summary>A watch put from another thread (StatPrefetch), outside this one's books: the wd, or -1. Watching the
    /// same directory here later gives the same wd (the kernel's, per directory and inotify instance).</summary>
    public int WatchAside(string dir)
    {
        string path = dir.Length == 0 ? _root : _root + "/" + dir;
        unsafe { fixed (byte* p = NativePath.Encode(path, stackalloc byte[NativePath.StackSize])) return Libc.InotifyAddWatch(_fd, p, WatchMask); }
    }

    /// <summary><see cref="Stating"/> for an lstat StatPrefetch made earlier, under its own watches (<paramref name="watchOf"/>,
    /// by directory), when events were numbered up to <paramref name="asOf"/>: true when that lstat still holds (the
    /// watches it was made under are the ones held now, none had an event since, none unclaimed), and the node is then
    /// checked as of then.</summary>
    public bool StatingAsOf(Node node, long asOf, Func<string, int> watchOf)
    {
        Stating(node);
        if (node.WatchSeq == 0 || node.WatchDir is not Dir dir || !NoEventSince(dir, asOf)) return false;
        // (and under the same watches: none replaced since, none whose events came before the engine held it)
        for (Dir? d = dir; d != null; d = d.Parent)
            if (d.Wd < 0 || d.Wd != watchOf(d.Name) || _unclaimed.Contains(d.Wd)) return false;
        node.WatchSeq = asOf;
        return true;
    }

    private Dir DirNamed(string name)
    {
        if (_dirs.TryGetValue(name, out Dir? dir)) return dir;
        int slash = name.LastIndexOf('/');
        Dir parent = DirNamed(slash < 0 ? "" : name[..slash]);
        dir = new Dir(name, parent);
        parent.Children.Add(slash < 0 ? name : name[(slash + 1)..], dir);
        _dirs.Add(name, dir);
        return dir;
    }

    /// <summary>Watches the directory and its ancestors, root first. false: one cannot be watched (nor is known
    /// to be absent): nodes below are stat'ed every time.</summary>
    private bool Watch(Dir dir)
    {
        if (dir.Parent != null && !Watch(dir.Parent)) return false;
        if (dir.Wd >= 0) return true;
        // an absent parent: the child is absent too, and its creation would be an event of the nearest watched ancestor
        if (dir.Parent is { Wd: < 0, Absent: true })
        {
            dir.Absent = true;
            return true;
        }
        if (dir.Tried && dir.SelfSeq <= dir.FailedSeq) return dir.Absent;
        dir.Tried = true;
        string path = dir.Name.Length == 0 ? _root : _root + "/" + dir.Name;
        int wd;
        unsafe { fixed (byte* p = NativePath.Encode(path, stackalloc byte[NativePath.StackSize])) wd = Libc.InotifyAddWatch(_fd, p, WatchMask); }
        if (wd >= 0 && _byWd.TryAdd(wd, dir))
        {
            dir.Wd = wd;
            dir.Absent = false;
            return true;
        }
        // two names for one directory (a bind mount) keep the first's watch: the second is stat'ed
        int errno = wd >= 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        dir.FailedSeq = _seq;
        dir.Absent = errno == Enoent;   // ENOTDIR (a symlink, a file), EACCES, ENOSPC (watch limit): not watchable
        return dir.Absent;
    }

    private const int InNonblock = 0x800, InCloexec = 0x80000, Enoent = 2;
    private const uint InModify = 0x2, InAttrib = 0x4, InCloseWrite = 0x8, InMovedFrom = 0x40, InMovedTo = 0x80,
        InCreate = 0x100, InDelete = 0x200, InDeleteSelf = 0x400, InMoveSelf = 0x800, InUnmount = 0x2000,
        InQOverflow = 0x4000, InIgnored = 0x8000, InOnlyDir = 0x1000000, InDontFollow = 0x2000000;
    private const uint WatchMask = InModify | InAttrib | InCloseWrite | InMovedFrom | InMovedTo | InCreate | InDelete |
        InDeleteSelf | InMoveSelf | InOnlyDir | InDontFollow;
}
