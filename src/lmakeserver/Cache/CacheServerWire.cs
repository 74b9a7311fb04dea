// The conversation between lmake servers and lcache_server, and the files of DIR/LMAKE/ that lead to it.
//
// Files (DIR/LMAKE/):
//   server.lock   flock'ed by the one lcache_server of the dir for its whole life (and by lcache_repair while it works)
//   server        where it listens, replaced atomically (written aside, renamed): "HOST PORT\nKEY\n", HOST the fqdn
//                 of its host (its name, then '.' and config.py's domain_name when one is set), KEY 32 hex digits
//                 drawn at each start. Its mode is that of config.py: whoever may read the config may talk to the
//                 server. The trust is the permission of the dir: the key only proves the client could read it.
//   server.log    what lcache_server says (appended)
//   version       "lmake-cs cache 1": a dir of another version is refused (exit 12)
//   tmp/          runs being written by lmake servers, and runs being taken away
//
// Wire: TCP, UTF-8 text lines ending in '\n', fields separated by one TAB. Job folders (JOB: "<job name>/<rule>-<16
// hex>", relative to DIR) and ids never hold a TAB or a newline (DirCache refuses such jobs the cache). The client
// opens with
//   lcache-cs 1 TAB KEY               answer: ok | refused TAB WHY (then the server closes)
// then sends requests one at a time, each answered before the next:
//   runs TAB JOB                      answer: run TAB ID ... (most recently used first), then end
//   used TAB JOB TAB ID               a hit: the run is used now.                  answer: ok | gone
//   commit TAB TMP TAB JOB TAB ID     the run written whole in tmp/TMP (info and data) goes to JOB/ID, the runs the
//                                     policy picks go first (ReplacementPolicy).  answer: stored | exists |
//                                     refused TAB WHY (too big, max_rate, not a whole run); tmp/TMP is gone after
//   status                            answer: size TAB BYTES TAB RUNS TAB BOUND
// Anything else is answered "error TAB WHY". A client keeps its connection while it lives: the server exits after a
// short time with no connection at all (when lmake started it).
using System.Text;

namespace Lmake.Server.Cache;

public static class CacheServerWire
{
    public const string Greeting = "lcache-cs 1";
    public const string Version = "lmake-cs cache 1";

    public static string AdminDir(string dir) => Path.Combine(dir, "LMAKE");
    public static string LockFile(string dir) => Path.Combine(dir, "LMAKE", "server.lock");
    public static string AddressFile(string dir) => Path.Combine(dir, "LMAKE", "server");
    public static string LogFile(string dir) => Path.Combine(dir, "LMAKE", "server.log");
    public static string VersionFile(string dir) => Path.Combine(dir, "LMAKE", "version");
    public static string TmpDir(string dir) => Path.Combine(dir, "LMAKE", "tmp");

    /// <summary>A job folder or id that can travel on a line and name a folder below the dir.</summary>
    public static bool IsName(string s) =>
        s.Length > 0 && s.IndexOfAny(['\t', '\n', '\0']) < 0 && !s.StartsWith('/')
        && s.Split('/').All(c => c is not ("" or "." or ".." or "LMAKE"));

    public static string Line(params string[] fields) => string.Join('\t', fields) + "\n";

    public static StreamReader Reader(Stream s) => new(s, new UTF8Encoding(false), false, 4096, leaveOpen: true);
    public static StreamWriter Writer(Stream s) => new(s, new UTF8Encoding(false), 4096, leaveOpen: true) { AutoFlush = false, NewLine = "\n" };

    /// <summary>The address file's content, or null when it is not there or not whole.</summary>
    public static (string Host, int Port, string Key)? ReadAddress(string dir)
    {
        try
        {
            string[] lines = File.ReadAllText(AddressFile(dir)).Split('\n');
            if (lines.Length < 2) return null;
            string[] hp = lines[0].Split(' ');
            if (hp.Length != 2 || !int.TryParse(hp[1], out int port) || lines[1].Length == 0) return null;
            return (hp[0], port, lines[1]);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
