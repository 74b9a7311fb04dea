// backends.slurm.use_nice (backends.md): the job's priority told to Slurm as a nice value, ETA - pressure (when it
// is best started: the request's ETA less the time still needed through the job), counted in seconds from
// time_origin and scaled by nice_factor, so that jobs of every repo and every lmake command compare. Both come from
// the PriorityParams of slurm.conf ("time_origin=2023-01-01 00:00,nice_factor=1"; the defaults are these), the
// date as YYYY-MM-DD HH:MM, optionally followed by +HH:MM or -HH:MM.
using System.Globalization;

namespace Lmake.Server.Backends.Slurm;

public sealed record SlurmNice(DateTime OriginUtc, double Factor)
{
    public static readonly SlurmNice Default = new(new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc), 1);

    // the highest nice value Slurm takes (sbatch --nice: NICE_OFFSET - 3)
    private const long MaxNice = 2147483645;

    /// <summary>The nice value of a job of this pressure (seconds) in a request that should end at etaUtc, plus
    /// <paramref name="baseNice"/> (lmake -N, config.nice).</summary>
    public long Of(DateTime etaUtc, double pressure, int baseNice)
    {
        double wanted = ((etaUtc - OriginUtc).TotalSeconds - pressure) * Factor;
        return Math.Clamp((long)Math.Round(wanted) + baseNice, 0, MaxNice);
    }

    /// <summary>The PriorityParams of this slurm.conf (null: Slurm's default file), or the defaults.</summary>
    public static SlurmNice FromConfig(string? configFile)
    {
        SlurmNice nice = Default;
        foreach (string parameters in SlurmConfFile.ValuesOf(configFile, "PriorityParams"))
        {
            foreach (string param in parameters.Split(',', StringSplitOptions.TrimEntries))
            {
                int eq = param.IndexOf('=');
                if (eq < 0) continue;
                string key = param[..eq].Trim(), value = param[(eq + 1)..].Trim();
                if (key == "nice_factor" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double factor) && factor > 0)
                    nice = nice with { Factor = factor };
                else if (key == "time_origin" && ParseOrigin(value) is DateTime origin)
                    nice = nice with { OriginUtc = origin };
            }
        }
        return nice;
    }

    private static DateTime? ParseOrigin(string text)
    {
        string[] forms = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mmzzz", "yyyy-MM-dd HH:mm zzz", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:sszzz"];
        if (DateTimeOffset.TryParseExact(text, forms, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset when))
            return when.UtcDateTime;
        return null;
    }
}
