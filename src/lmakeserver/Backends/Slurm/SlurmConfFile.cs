// slurm.conf as the Slurm backend reads it besides the client commands: the file in force (the configured one, else
// $SLURM_CONF, else Slurm's default) and the values of one of its keys (Licenses=, PriorityParams=...).
namespace Lmake.Server.Backends.Slurm;

public static class SlurmConfFile
{
    /// <summary>The value of each line setting <paramref name="key"/> (case-insensitive), in file order; none when the
    /// file cannot be read.</summary>
    public static IEnumerable<string> ValuesOf(string? configFile, string key)
    {
        string file = configFile ?? Environment.GetEnvironmentVariable("SLURM_CONF") ?? "/etc/slurm/slurm.conf";
        string[] lines;
        try { lines = File.ReadAllLines(file); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        string prefix = key + "=";
        foreach (string line in lines)
        {
            string l = line.Trim();
            if (l.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) yield return l[prefix.Length..];
        }
    }
}
