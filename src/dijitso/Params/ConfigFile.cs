// Reads a .dijitso.conf (INI: [cache] and [build] sections, `key = value` or `key: value`, # and ; comments)
// into Parameters; every mistake names the file, the line and the key.
namespace Dijitso.Params;

public static class ConfigFile
{
    public const string Name = ".dijitso.conf";

    /// <summary>The search path of the original: ./, $DIJITSO_CONF/, ~/, /etc/dijitso/; the first found wins.</summary>
    public static IEnumerable<string> SearchPath()
    {
        yield return Path.Combine(Directory.GetCurrentDirectory(), Name);
        if (Environment.GetEnvironmentVariable("DIJITSO_CONF") is { Length: > 0 } conf) yield return Path.Combine(conf, Name);
        yield return Path.Combine(Parameters.Home, Name);
        yield return Path.Combine("/etc/dijitso", Name);
    }

    public static string? Find() => SearchPath().FirstOrDefault(File.Exists);

    public static void Apply(string file, Parameters parameters)
    {
        string[] lines;
        try { lines = File.ReadAllLines(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DijitsoError(DijitsoExit.BadConfig, $"dijitso: cannot read {file}: {e.Message}");
        }
        string? section = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string where = $"{file}:{i + 1}";
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';') continue;
            if (line[0] == '[')
            {
                if (line[^1] != ']') throw Bad($"{where}: malformed section header '{line}'");
                section = line[1..^1].Trim();
                if (section != "cache" && section != "build")
                    throw Bad($"{where}: unknown section [{section}] (known: [cache], [build])");
                continue;
            }
            int sep = line.IndexOfAny(['=', ':']);
            if (sep <= 0) throw Bad($"{where}: expected `key = value`, got '{line}'");
            string key = line[..sep].Trim();
            string value = line[(sep + 1)..].Trim();
            if (section is null) throw Bad($"{where}: key '{key}' is outside a section ([cache] or [build])");
            string full = $"{section}.{key}";
            try { parameters.Set(full, value); }
            catch (KeyNotFoundException)
            {
                string known = string.Join(", ", Parameters.Keys.Where(k => k.StartsWith(section + ".", StringComparison.Ordinal)).Select(k => k[(section.Length + 1)..]));
                throw Bad($"{where}: unknown key '{key}' in section [{section}] (known: {known})");
            }
            catch (FormatException e) { throw Bad($"{where}: bad value for {full}: {e.Message}"); }
        }
    }

    private static DijitsoError Bad(string message) => new(DijitsoExit.BadConfig, "dijitso: " + message);
}
