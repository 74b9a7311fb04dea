// The GC settings lmake gives the server it starts: added to the server's environment unless the user gave them,
// named by a marker so that the server takes out of its own environment those it did not get from the user.
using Lmake.Common;

namespace Lmake.Common.Tests;

public class ServerGcSettingsTests
{
    private const string Region = "DOTNET_GCRegionSize", Gen0 = "DOTNET_GCGen0MaxBudget";
    private const string Marker = "LMAKE_SERVER_GC_ADDED";

    private static Dictionary<string, string> AsDictionary(IEnumerable<string> environ) =>
        environ.Select(e => e.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

    [Fact]
    public void AServerGetsTheSettingsTheUserDidNotGiveAndTheMarkerNamingThem()
    {
        var env = AsDictionary(ServerGcSettings.ForServer(["PATH=/usr/bin", "HOME=/root"]));
        Assert.Equal("/usr/bin", env["PATH"]);
        Assert.Equal("/root", env["HOME"]);
        Assert.Equal("100000", env[Region]);   // hexadecimal, as the runtime reads it: 1 MB
        Assert.Equal("1000000", env[Gen0]);    // 16 MB
        Assert.Equal($"{Region},{Gen0}", env[Marker]);
    }

    [Fact]
    public void TheUsersOwnSettingsAreKeptAndNotMarked()
    {
        var env = AsDictionary(ServerGcSettings.ForServer([$"{Region}=400000", $"{Gen0}=800000", "PATH=/bin"]));
        Assert.Equal("400000", env[Region]);
        Assert.Equal("800000", env[Gen0]);
        Assert.False(env.ContainsKey(Marker));
    }

    [Fact]
    public void OneSettingOfTheUsersOwnTheOtherAddedAndMarkedAlone()
    {
        var env = AsDictionary(ServerGcSettings.ForServer([$"{Gen0}=800000"]));
        Assert.Equal("800000", env[Gen0]);
        Assert.Equal("100000", env[Region]);
        Assert.Equal(Region, env[Marker]);
    }

    [Fact]
    public void AMarkerInheritedFromAServerIsMadeAnew()
    {
        // a job's lmake runs in an environment that may come from a server's: what it gives its own server is its own
        var env = ServerGcSettings.ForServer([$"{Marker}=SOMETHING_ELSE", $"{Region}=100000", $"{Gen0}=1000000"]).ToList();
        Assert.DoesNotContain(env, e => e.StartsWith(Marker + "=", StringComparison.Ordinal));
        Assert.Single(env, e => e.StartsWith(Region + "=", StringComparison.Ordinal));
        Assert.Equal($"{Marker}={Gen0}", Assert.Single(ServerGcSettings.ForServer([$"{Marker}=SOMETHING_ELSE", $"{Region}=100000"]),
            e => e.StartsWith(Marker + "=", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheServerForgetsWhatItsClientAddedAndKeepsTheRest()
    {
        // (this process's environment: no other test of this assembly uses these names)
        Environment.SetEnvironmentVariable(Region, "100000");
        Environment.SetEnvironmentVariable("LMAKE_TEST_KEPT_GC", "1");
        Environment.SetEnvironmentVariable(Marker, Region);
        try
        {
            ServerGcSettings.ForgetAdded();
            Assert.Null(Environment.GetEnvironmentVariable(Region));
            Assert.Null(Environment.GetEnvironmentVariable(Marker));
            Assert.Equal("1", Environment.GetEnvironmentVariable("LMAKE_TEST_KEPT_GC"));
            // without a marker, nothing is taken out
            Environment.SetEnvironmentVariable(Region, "400000");
            ServerGcSettings.ForgetAdded();
            Assert.Equal("400000", Environment.GetEnvironmentVariable(Region));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Region, null);
            Environment.SetEnvironmentVariable("LMAKE_TEST_KEPT_GC", null);
            Environment.SetEnvironmentVariable(Marker, null);
        }
    }
}
