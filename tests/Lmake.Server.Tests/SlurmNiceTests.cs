// use_nice (backends.md): a Slurm job's nice value is ETA - pressure counted from time_origin and scaled by
// nice_factor, both read from slurm.conf's PriorityParams; lmake -N (or config.nice) adds to it.
using Lmake.Server.Backends.Slurm;

namespace Lmake.Server.Tests;

public sealed class SlurmNiceTests : IDisposable
{
    private readonly string _conf = Path.GetTempFileName();

    public void Dispose() => File.Delete(_conf);

    [Fact]
    public void WithoutPriorityParamsTheOriginIs2023AndTheFactorOne()
    {
        File.WriteAllText(_conf, "ClusterName=c\n");
        SlurmNice nice = SlurmNice.FromConfig(_conf);
        Assert.Equal(SlurmNice.Default, nice);
        var eta = new DateTime(2023, 1, 1, 1, 0, 0, DateTimeKind.Utc);   // an hour after the origin
        Assert.Equal(3600 - 600, nice.Of(eta, pressure: 600, baseNice: 0));
        Assert.Equal(3600 - 600 + 5, nice.Of(eta, pressure: 600, baseNice: 5));
        // a more pressing job of the same request gets a lower nice value, hence a higher priority
        Assert.True(nice.Of(eta, 1200, 0) < nice.Of(eta, 600, 0));
    }

    [Fact]
    public void PriorityParamsGiveTheOriginWithItsZoneAndTheFactor()
    {
        File.WriteAllText(_conf, "PriorityParams=nice_factor=0.5,time_origin=2026-01-01 00:00+02:00\n");
        SlurmNice nice = SlurmNice.FromConfig(_conf);
        Assert.Equal(new DateTime(2025, 12, 31, 22, 0, 0, DateTimeKind.Utc), nice.OriginUtc);
        Assert.Equal(0.5, nice.Factor);
        Assert.Equal(50, nice.Of(nice.OriginUtc.AddSeconds(200), pressure: 100, baseNice: 0));
        Assert.Equal(0, nice.Of(nice.OriginUtc, pressure: 100, baseNice: 0));   // never below 0
    }
}
