// From a job's namespace attributes (JobViews: repo_view, tmp_view, lmake_view, chroot_dir, views) to the
// mounts the helper makes (JobNamespace), as rules.md and namespaces.md define them: the repo seen at repo_view,
// the tmp dir at tmp_view, the install at lmake_view, each view bound or overlaid (copy_up done here), a new
// root (a tmpfs mirroring / or chroot_dir) when a view is a top-level name that does not exist. The names the
// tracker must map back (a view to its physical dir) come with it. A view that cannot be set up is one message.
using Lmake.Autodep;
using Lmake.Common.Files;
using Lmake.Server.Rules;

namespace Lmake.Server.Backends;

/// <summary>Where a job's namespace is built from: native names, no trailing '/'. <see cref="Tmp"/> is "" when
/// the job has no tmp dir. <see cref="NewRootDir"/>: a dir the helper may mount the job's root on (made when
/// needed); <see cref="WorkDir"/>: where overlay work dirs are made (a fresh one per overlay); <see cref="Shim"/>:
/// the autodep shim, in the install.</summary>
public sealed record NamespaceSite(string RepoRoot, string Tmp, string InstallRoot, string NewRootDir, string WorkDir, string Shim);

public static class NamespacePlanner
{
    private enum Place { Repo, Tmp, External }

    /// <summary>The namespace of the job, with the dirs it needs made (views in the repo or tmp, overlay upper
    /// and work dirs, copy_up); null with <paramref name="error"/> when it cannot be set up.</summary>
    public static JobNamespace? Plan(JobViews views, NamespaceSite site, out string? error)
    {
        try
        {
            error = null;
            return new Planning(views, site).Run();
        }
        catch (NamespaceRefused e)
        {
            error = e.Message;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = "cannot prepare the job's views: " + e.Message;
            return null;
        }
    }

    /// <summary>The job's environment as seen in its namespace: $TMPDIR at tmp_view, $REPO_ROOT and $HOME at
    /// repo_view, the install's dirs in $PATH and $PYTHONPATH at lmake_view.</summary>
    public static void AdjustEnvironment(IDictionary<string, string> env, JobViews views, NamespaceSite site)
    {
        string? repoView = AbsoluteOrNull(views.RepoView);
        string? tmpView = AbsoluteOrNull(views.TmpView);
        string? lmakeView = AbsoluteOrNull(views.LmakeView);
        if (tmpView is not null && env.ContainsKey("TMPDIR")) env["TMPDIR"] = tmpView;
        if (repoView is not null)
            foreach (string key in (string[])["REPO_ROOT", "HOME"])
                if (env.TryGetValue(key, out string? v)) env[key] = Rebase(v, site.RepoRoot, repoView);
        if (lmakeView is not null)
            foreach (string key in (string[])["PATH", "PYTHONPATH"])
                if (env.TryGetValue(key, out string? v))
                    env[key] = string.Join(':', v.Split(':').Select(e => Rebase(e, site.InstallRoot, lmakeView)));
    }


    /// <summary>name, its prefix <paramref name="from"/> replaced by <paramref name="to"/> (as it is otherwise).</summary>
    internal static string Rebase(string name, string from, string to)
    {
        if (name == from) return to;
        return name.StartsWith(from + "/", StringComparison.Ordinal) ? to + name[from.Length..] : name;
    }

    private static string? AbsoluteOrNull(string? name) =>
        string.IsNullOrEmpty(name) ? null : Normalize(name, "") is { } n && n.StartsWith('/') ? n : null;

    /// <summary>name without '.', '//' and trailing '/' (null when it holds '..' or a tab or newline, which the
    /// shim's name map cannot carry); "/" stays "/".</summary>
    internal static string? Normalize(string name, string what)
    {
        if (name.Contains('\n') || name.Contains('\t')) return null;
        var parts = new List<string>();
        foreach (string p in name.Split('/'))
        {
            if (p.Length == 0 || p == ".") continue;
            if (p == "..") return null;
            parts.Add(p);
        }
        string joined = string.Join('/', parts);
        return name.StartsWith('/') ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>Whether <paramref name="name"/> is <paramref name="dir"/> or lies under it.</summary>
    internal static bool IsUnder(string name, string dir) =>
        dir == "/" || name == dir || name.StartsWith(dir + "/", StringComparison.Ordinal);

    private sealed class NamespaceRefused(string message) : Exception(message);

    /// <summary>One job's planning: the names as the job sees them and as they are natively.</summary>
    private sealed class Planning
    {
        private readonly JobViews _views;
        private readonly NamespaceSite _site;
        private readonly string _jobRepo, _jobTmp, _baseRoot;
        private readonly string? _repoView, _tmpView, _lmakeView;
        private readonly List<NamespaceMount> _mounts = [];
        private readonly List<ViewNameMap> _maps = [];
        private bool _newRoot;

        public Planning(JobViews views, NamespaceSite site)
        {
            _views = views;
            _site = site;
            _repoView = ViewAttribute("repo_view", views.RepoView);
            _tmpView = ViewAttribute("tmp_view", views.TmpView);
            _lmakeView = ViewAttribute("lmake_view", views.LmakeView);
            string? chroot = ViewAttribute("chroot_dir", views.ChrootDir);
            _baseRoot = chroot ?? "/";
            _jobRepo = _repoView ?? site.RepoRoot;
            _jobTmp = _tmpView ?? site.Tmp;
            if (_tmpView is not null && site.Tmp.Length == 0)
                throw new NamespaceRefused($"tmp_view {_tmpView}: the job has no tmp dir to show there ($TMPDIR is set to nothing)");
            foreach (var (attr, view) in (ReadOnlySpan<(string, string?)>)[("repo_view", _repoView), ("lmake_view", _lmakeView)])
                if (view is not null && _tmpView is not null && IsUnder(view, _tmpView))
                    throw new NamespaceRefused($"{attr} {view} lies in tmp_view {_tmpView}");
            if (_baseRoot != "/" && !Directory.Exists(_baseRoot)) throw new NamespaceRefused($"chroot_dir {_baseRoot} is not a dir");
            // the job's programs load the shim from the install: in another root it must be there, or be seen at
            // lmake_view (a job whose accesses are silently not tracked would be wrong)
            if (_baseRoot != "/" && _lmakeView is null && site.Shim.Length > 0 && !File.Exists(_baseRoot + site.Shim))
                throw new NamespaceRefused($"chroot_dir {_baseRoot}: lmake's install {site.InstallRoot} is not there (set lmake_view to show it to the job)");
            // chroot_dir '/' asks for a namespace with no other effect; another one needs a root made for the job
            _newRoot = _baseRoot != "/";
        }

        private static string? ViewAttribute(string attr, string? value)
        {
            if (string.IsNullOrEmpty(value)) return null;
            string? n = Normalize(value, attr);
            if (n is null || !n.StartsWith('/')) throw new NamespaceRefused($"{attr} {value}: an absolute name (with no '..') is required");
            return n == "/" && attr == "chroot_dir" ? null : n == "/" ? throw new NamespaceRefused($"{attr} cannot be /") : n;
        }

        public JobNamespace Run()
        {
            if (_repoView is not null) AddBind(_site.RepoRoot, _repoView, "repo_view");
            if (_lmakeView is not null) AddBind(_site.InstallRoot, _lmakeView, "lmake_view");
            if (_tmpView is not null) AddBind(_site.Tmp, _tmpView, "tmp_view");
            int index = 0;
            foreach (ViewSpec view in _views.Views) AddView(view, index++);
            // a view over a dir that holds the repo (tmp_view /tmp, the repo under /tmp) would hide it: the repo
            // is bound again at its own name (same for the install, where lmake's commands and the shim are)
            if (_repoView is null && _mounts.Any(m => IsUnder(_site.RepoRoot, m.Destination) && m.Destination != _site.RepoRoot))
                _mounts.Add(new NamespaceMount { Destination = _site.RepoRoot, Source = _site.RepoRoot });
            if (_lmakeView is null && _mounts.Any(m => IsUnder(_site.InstallRoot, m.Destination) && m.Destination != _site.InstallRoot))
                _mounts.Add(new NamespaceMount { Destination = _site.InstallRoot, Source = _site.InstallRoot });
            // parents first (a stable sort keeps the given order among equals)
            var ordered = _mounts.OrderBy(m => Depth(m.Destination)).ToList();
            string? newRoot = null;
            if (_newRoot)
            {
                Directory.CreateDirectory(_site.NewRootDir);
                newRoot = _site.NewRootDir;
            }
            return new JobNamespace
            {
                NewRoot = newRoot,
                BaseRoot = _baseRoot,
                ChrootActions = _baseRoot == "/" ? [] : _views.ChrootActions,
                Mounts = ordered,
                Cwd = _jobRepo,
                RepoRoot = _jobRepo,
                NameMaps = [.. _maps.OrderByDescending(m => m.Logical.Length)],
                // the shim as the job sees it: the install may be at lmake_view
                ShimPath = _lmakeView is null ? _site.Shim : Rebase(_site.Shim, _site.InstallRoot, _lmakeView),
            };
        }

        private static int Depth(string name) => name.Count(c => c == '/');

        /// <summary>A mount of a native dir at a name of the job's world that may not exist yet.</summary>
        private void AddBind(string source, string destination, string what)
        {
            if (!Directory.Exists(source)) throw new NamespaceRefused($"{what}: {source} is not a dir");
            CheckDestination(destination, what, isViewAttribute: true);
            _mounts.Add(new NamespaceMount { Destination = destination, Source = source });
        }

        /// <summary>A destination outside the repo and the tmp dir must exist (it is not made in the native file
        /// system) or be a top-level name (made in the job's own root).</summary>
        private void CheckDestination(string destination, string what, bool isViewAttribute = false)
        {
            // (repo_view, tmp_view and lmake_view are where the repo and the tmp dir are seen: checked as external)
            if (!isViewAttribute && PlaceOf(destination) != Place.External) return;
            string native = _baseRoot == "/" ? destination : _baseRoot + destination;
            if (Directory.Exists(native)) return;
            if (File.Exists(native)) throw new NamespaceRefused($"{what}: {destination} exists and is not a dir");
            if (Depth(destination) != 1)
                throw new NamespaceRefused($"{what}: {destination} does not exist (a view must exist or be a top-level name such as /a)");
            _newRoot = true;
        }

        /// <summary>Where a name of the job's world lies: the repo (at repo_view), the tmp dir (at tmp_view), elsewhere.</summary>
        private Place PlaceOf(string jobName) =>
            IsUnder(jobName, _jobRepo) ? Place.Repo : _jobTmp.Length > 0 && IsUnder(jobName, _jobTmp) ? Place.Tmp : Place.External;

        /// <summary>The native name of a name of the job's world.</summary>
        private string NativeOf(string jobName) => PlaceOf(jobName) switch
        {
            Place.Repo => Rebase(jobName, _jobRepo, _site.RepoRoot),
            Place.Tmp => Rebase(jobName, _jobTmp, _site.Tmp),
            _ => _lmakeView is not null && IsUnder(jobName, _lmakeView) ? Rebase(jobName, _lmakeView, _site.InstallRoot) : jobName,
        };

        /// <summary>A name of views as the job sees it: relative ones are in the repo.</summary>
        private string JobName(string written, string what)
        {
            string? n = Normalize(written, what);
            if (n is null) throw new NamespaceRefused($"{what}: {written} cannot hold '..', a tab or a newline");
            if (n == "/") throw new NamespaceRefused($"{what}: / cannot be a view");
            return n.StartsWith('/') ? n : n == "." ? _jobRepo : _jobRepo + "/" + n;
        }

        /// <summary>A dir of the repo or the tmp dir is made when missing; an external one must exist.</summary>
        private string PhysicalDir(string jobName, string what)
        {
            string native = NativeOf(jobName);
            if (PlaceOf(jobName) != Place.External) Directory.CreateDirectory(native);
            else if (!Directory.Exists(native)) throw new NamespaceRefused($"{what}: {jobName} is not a dir");
            return native;
        }

        private void AddView(ViewSpec view, int index)
        {
            string what = $"views[{view.View}]";
            string logical = JobName(view.View, what);
            if (view.Bind is string bind)
            {
                string physical = JobName(bind, what);
                if (PlaceOf(logical) == Place.External && PlaceOf(physical) == Place.Repo)
                    throw new NamespaceRefused($"{what}: a dir of the repo ({bind}) cannot be seen at an external view ({view.View})");
                string source = PhysicalDir(physical, what);
                if (PlaceOf(logical) != Place.External) Directory.CreateDirectory(NativeOf(logical));
                else CheckDestination(logical, what);
                _mounts.Add(new NamespaceMount { Destination = logical, Source = source });
                _maps.Add(new ViewNameMap(logical, physical));
                return;
            }
            if (view.Lower.Count == 0 || view.Upper is null) throw new NamespaceRefused($"{what}: an overlay needs upper and lower dirs");
            string upper = JobName(view.Upper, what + " upper");
            if (PlaceOf(logical) == Place.External && PlaceOf(upper) == Place.Repo)
                throw new NamespaceRefused($"{what}: a dir of the repo ({view.Upper}) cannot be seen at an external view ({view.View})");
            string nativeUpper = PhysicalDir(upper, what + " upper");
            var lowers = view.Lower.Select(l => PhysicalDir(JobName(l, what + " lower"), what + " lower")).ToList();
            if (PlaceOf(logical) != Place.External) Directory.CreateDirectory(NativeOf(logical));
            else CheckDestination(logical, what);
            foreach (string item in view.CopyUp) CopyUp(item, nativeUpper, lowers, what);
            _mounts.Add(new NamespaceMount { Destination = logical, Lowers = lowers, Upper = nativeUpper, Work = WorkDirFor(nativeUpper, index) });
            // what the job writes there lands in upper: its accesses are upper's
            _maps.Add(new ViewNameMap(logical, upper));
        }

        /// <summary>copy_up: a dir (ending '/') made in upper, or a file copied from the first lower holding it.</summary>
        private static void CopyUp(string item, string upper, List<string> lowers, string what)
        {
            string? rel = Normalize(item, what);
            if (rel is null || rel.StartsWith('/') || rel == ".") throw new NamespaceRefused($"{what}: copy_up {item} must be a name relative to the view");
            string target = Path.Combine(upper, rel);
            if (item.EndsWith('/')) { Directory.CreateDirectory(target); return; }
            if (File.Exists(target)) return;
            foreach (string lower in lowers)
            {
                string source = Path.Combine(lower, rel);
                if (!File.Exists(source)) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
                return;
            }
        }

        /// <summary>An empty work dir on the upper dir's file system (overlayfs requires it): under WorkDir when it is
        /// there, else beside upper.</summary>
        private string WorkDirFor(string upper, int index)
        {
            Directory.CreateDirectory(_site.WorkDir);
            string work = FileStat.LinksOf(_site.WorkDir)?.Dev == FileStat.LinksOf(upper)?.Dev
                ? Path.Combine(_site.WorkDir, index.ToString())
                : upper + ".lmake_work";
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            Directory.CreateDirectory(work);
            return work;
        }
    }
}
