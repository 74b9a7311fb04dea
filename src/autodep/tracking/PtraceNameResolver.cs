// Names as the kernel resolves them for a tracee, the tracer's version of the shim's resolve.c: relative
// names against the tracee's cwd (/proc/TID/cwd) or dir fd (/proc/TID/fd/N), '.', '..', and every symlink
// crossed inside the repo or a source dir (each one is recorded as a readlink dep). Names outside those
// trees are taken literally and dropped. Resolution happens when the syscall starts, before it changes the
// tree; it also tells whether the file is there, so that read-only syscalls need no stop at their end.
// A job in a namespace (JobSpec.Namespace) names files as it sees them: the tracer, which lives in the native
// namespace, reads links and looks for files through /proc/TID/root, takes the tracee's root off the names
// /proc gives for its cwd and fds, and reports names in a view under the view's physical dir.
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;

namespace Lmake.Autodep;

internal sealed unsafe class PtraceNameResolver
{
    private const int MaxLinks = 40, PathMax = 4096;
    private readonly string _root;  // no trailing '/' ("" for "/")
    private readonly string[] _sourceDirs;  // each ending in '/'
    private readonly PtraceReportWriter _report;
    private readonly byte[] _linkBuffer = new byte[PathMax];
    // Directories found to be no symlink (tracked ones only), so that a name in them costs one readlink (its
    // last component): forgotten whenever a process of the job renames or removes anything.
    private readonly HashSet<string> _linkFreeDirs = new(StringComparer.Ordinal);
    // The cwd of each tracee, valid while no chdir/fchdir happened in the job (one /proc readlink saved per
    // relative name).
    private readonly Dictionary<int, (long Generation, string Cwd)> _cwds = [];
    private long _cwdGeneration;

    private readonly IReadOnlyList<ViewNameMap> _views = [];
    private readonly bool _inNamespace;
    // "/proc/TID/root" while resolving a name for a tracee in a namespace, else ""
    private string _fsPrefix = "";

    public PtraceNameResolver(JobSpec spec, PtraceReportWriter report)
    {
        _inNamespace = spec.Namespace is not null;
        _views = spec.Namespace?.NameMaps ?? [];
        _root = (spec.Namespace?.RepoRoot ?? spec.RepoRoot).TrimEnd('/');
        _sourceDirs = [.. spec.SourceDirs.Select(d => d.EndsWith('/') ? d : d + "/")];
        _report = report;
        _followExternalLinks = spec.FollowExternalLinks;
    }

    private readonly bool _followExternalLinks;

    /// <summary>The tracked name (repo-relative, or absolute under a source dir) of path seen from tracee
    /// tid relative to dirFd, or null when it is not tracked; records the links crossed. exists: whether the
    /// file is there now (read before the syscall runs: what a read-only syscall will find).</summary>
    public string? Resolve(int tid, int dirFd, string path, bool followLast, out bool exists)
    {
        string? absolute = ResolveAbsolute(tid, dirFd, path, followLast, out exists);
        return absolute is null ? null : TrackedName(absolute);
    }

    /// <summary>Like Resolve, but the absolute name (or null when unresolvable or not tracked).</summary>
    public string? ResolveAbsolute(int tid, int dirFd, string path, bool followLast, out bool exists)
    {
        exists = false;
        if (path.Length == 0) return null;  // AT_EMPTY_PATH and the like act on the fd itself
        _fsPrefix = _inNamespace ? $"/proc/{tid}/root" : "";
        string rest;
        if (path[0] == '/') rest = path;
        else
        {
            string? dir = BaseDir(tid, dirFd);
            if (dir is null) return null;
            rest = dir + "/" + path;
        }
        var res = new StringBuilder(rest.Length);
        int links = 0;
        bool missing = false;  // a prefix does not exist: the kernel stops there, no links to read further
        bool lastRead = false, lastThere = false;
        int p = 0;
        // The components of the (canonical) repo root are neither tracked nor read: start past them.
        if (_root.Length > 0 && rest.Length > _root.Length && rest[_root.Length] == '/' && rest.StartsWith(_root, StringComparison.Ordinal))
        {
            res.Append(_root);
            p = _root.Length;
        }
        while (true)
        {
            while (p < rest.Length && rest[p] == '/') p++;
            if (p >= rest.Length) break;
            int e = rest.IndexOf('/', p);
            if (e < 0) e = rest.Length;
            int after = e;
            while (after < rest.Length && rest[after] == '/') after++;
            bool last = after == rest.Length;
            bool trailingSlash = last && e != after;  // "link/" is followed even without following the last
            int cl = e - p;
            lastRead = false;
            if (cl == 1 && rest[p] == '.') { p = e; continue; }
            if (cl == 2 && rest[p] == '.' && rest[p + 1] == '.') { Pop(res); p = e; continue; }
            res.Append('/').Append(rest, p, cl);
            if (res.Length >= PathMax) return null;
            if (missing) { p = e; continue; }
            string prefix = res.ToString();
            if (!last && _linkFreeDirs.Contains(prefix)) { p = e; continue; }
            string? linkName = TrackedName(prefix);
            // outside the repo, links are read only with link_support 'full_ext' (one may lead back into the repo)
            if (linkName is null && !_followExternalLinks) { p = e; continue; }
            // Read even when the last link is not followed: whether it is there is the access's "existed".
            string? target = ReadLink(_fsPrefix + prefix, out int errno);
            bool follow = !last || followLast || trailingSlash;
            if (target is not null && follow)
            {
                if (++links > MaxLinks) return null;  // ELOOP for the kernel too
                if (linkName is not null) _report.Add(AccessKind.Readlink, true, linkName);  // the link's text decides what is reached
                rest = target + rest[e..];
                p = 0;
                if (target.StartsWith('/')) res.Clear(); else Pop(res);
                continue;
            }
            if (target is null && PtraceNative.IsMissing(errno)) missing = true;
            else if (target is null && !last) _linkFreeDirs.Add(prefix);
            lastRead = last;
            lastThere = !missing;
            p = e;
        }
        string name = res.Length == 0 ? "/" : res.ToString();
        if (TrackedName(name) is null) return null;
        exists = lastRead ? lastThere : !missing && (File.Exists(_fsPrefix + name) || Directory.Exists(_fsPrefix + name));
        return name;
    }

    /// <summary>The name under which the tracer reaches a file the tracee names (through /proc/TID/root in a namespace).</summary>
    public string FileSystemName(int tid, string absolute) => _inNamespace ? $"/proc/{tid}/root{absolute}" : absolute;

    /// <summary>After a rename or a removal anywhere in the job: a directory may have become a symlink.</summary>
    public void ForgetLinkFreeDirs() => _linkFreeDirs.Clear();

    /// <summary>The repo root, absolute.</summary>
    public string Root => _root;

    /// <summary>The name a tracked absolute name is recorded under, or null when it is not tracked. The repo
    /// root itself is never recorded.</summary>
    public string? TrackedName(string absolute)
    {
        if (_views.Count > 0) absolute = JobNamespace.MapName(_views, absolute);
        if (absolute.Length > _root.Length && absolute[_root.Length] == '/' && absolute.StartsWith(_root, StringComparison.Ordinal))
            return absolute[(_root.Length + 1)..];
        foreach (string dir in _sourceDirs)
            if (absolute.Length > dir.Length && absolute.StartsWith(dir, StringComparison.Ordinal)) return absolute;
        return null;
    }

    /// <summary>The absolute name of what the tracee's fd (or its cwd for AT_FDCWD) is open on, or null
    /// (pipes, sockets, a removed cwd...).</summary>
    public string? BaseDir(int tid, int dirFd)
    {
        if (dirFd == PtraceSyscalls.AT_FDCWD)
        {
            if (_cwds.TryGetValue(tid, out var known) && known.Generation == _cwdGeneration) return known.Cwd;
            string? cwd = SeenByTracee(tid, ProcLink($"/proc/{tid}/cwd"));
            if (cwd is not null) _cwds[tid] = (_cwdGeneration, cwd);
            return cwd;
        }
        return dirFd >= 0 ? SeenByTracee(tid, ProcLink($"/proc/{tid}/fd/{dirFd}")) : null;
    }

    /// <summary>A name /proc gives for a tracee's cwd or fd, as the tracee sees it: in a namespace whose root was
    /// made for the job, /proc names it from the namespace's own root, the tracee's root is taken off.</summary>
    private string? SeenByTracee(int tid, string? name)
    {
        if (name is null || !_inNamespace) return name;
        string? root = ProcLink($"/proc/{tid}/root");
        if (root is null || root == "/") return name;
        if (name == root) return "/";
        return name.StartsWith(root + "/", StringComparison.Ordinal) ? name[root.Length..] : null;
    }

    /// <summary>After a chdir or fchdir anywhere in the job (threads share their cwd, and a process may have
    /// left its threads' group of cwd with unshare): every cwd is read again.</summary>
    public void ForgetCwds() => _cwdGeneration++;

    /// <summary>A tracee is gone: its id may come back for another process.</summary>
    public void Forget(int tid) => _cwds.Remove(tid);

    private string? ProcLink(string link)
    {
        string? target = ReadLink(link, out _);
        return target is not null && target.StartsWith('/') && !target.EndsWith(" (deleted)", StringComparison.Ordinal) ? target : null;
    }

    private string? ReadLink(string path, out int errno)
    {
        errno = 0;
        Span<byte> name = stackalloc byte[Encoding.UTF8.GetMaxByteCount(path.Length) + 1];
        int n = Encoding.UTF8.GetBytes(path, name);
        name[n] = 0;
        nint r;
        fixed (byte* pn = name)
        fixed (byte* pb = _linkBuffer)
            r = Libc.Readlink(pn, pb, _linkBuffer.Length - 1);
        if (r < 0) { errno = Marshal.GetLastPInvokeError(); return null; }
        return Encoding.UTF8.GetString(_linkBuffer, 0, (int)r);
    }

    // Drops the last component ("" stays "").
    private static void Pop(StringBuilder res)
    {
        int i = res.Length;
        while (i > 0 && res[i - 1] != '/') i--;
        res.Length = i > 0 ? i - 1 : 0;
    }
}
