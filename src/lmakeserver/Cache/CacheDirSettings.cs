// The settings of a cache dir, from its LMAKE/config.py (cache.md: size, max_runs_per_job, max_rate, domain_name,
// file_sync), as lcache_server reads them when it starts. config.py is Python (`size = 1 << 30` is fine), so it is
// run by python3 through the same code the Lmakefile reader uses for lmake.config.caches (lmake/_config.py): one
// reading of the file, one set of messages. A file that cannot be read or holds an error is a CacheConfigException.
using System.Diagnostics;
using System.Text.Json;
using Lmake.Common;

namespace Lmake.Server.Cache;

public sealed class CacheConfigException(string message) : Exception(message);

public sealed record CacheDirSettings(long Size, int MaxRunsPerJob, long MaxRate, string DomainName)
{
    private const string Script = """
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from lmake import _config
        from lmake._errors import LmakefileError
        try: s = _config._cache_settings('server', {'dir': sys.argv[2]})
        except LmakefileError as e: print(e, file=sys.stderr); sys.exit(3)
        if s is None: sys.exit(3)
        names = {}
        exec(compile(open(sys.argv[2] + '/LMAKE/config.py').read(), 'config.py', 'exec'), {}, names)
        s['domain_name'] = str(names.get('domain_name', ''))
        print(json.dumps(s))
        """;

    /// <summary>The settings of <paramref name="dir"/>'s LMAKE/config.py.</summary>
    public static CacheDirSettings Read(string dir)
    {
        string configPy = Path.Combine(dir, "LMAKE", "config.py");
        if (!File.Exists(configPy)) throw new CacheConfigException($"{configPy} is not there: {dir} is no cache dir (make it by hand, with size = ...)");
        var start = new ProcessStartInfo(Rules.Makefiles.PythonExecutable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string a in new[] { "-c", Script, InstallLayout.Current.Lib, dir }) start.ArgumentList.Add(a);
        string stdout, stderr;
        int code;
        try
        {
            using Process python = Process.Start(start) ?? throw new CacheConfigException("cannot run python3");
            Task<string> err = python.StandardError.ReadToEndAsync();
            stdout = python.StandardOutput.ReadToEnd();
            stderr = err.Result;
            python.WaitForExit();
            code = python.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e) { throw new CacheConfigException($"cannot run {start.FileName} to read {configPy}: {e.Message}"); }
        if (code != 0)
        {
            string why = stderr.Trim().Split('\n')[^1];
            throw new CacheConfigException(why.Length > 0 ? why : $"{configPy}: cannot be read (python3 exit {code})");
        }
        try
        {
            using JsonDocument json = JsonDocument.Parse(stdout);
            JsonElement s = json.RootElement;
            return new CacheDirSettings(s.GetProperty("size").GetInt64(), s.GetProperty("max_runs_per_job").GetInt32(),
                s.GetProperty("max_rate").GetInt64(), s.GetProperty("domain_name").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CacheConfigException($"{configPy}: cannot be read ({e.Message})");
        }
    }
}
