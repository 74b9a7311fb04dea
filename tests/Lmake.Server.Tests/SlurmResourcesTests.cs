// A rule's resources as sbatch options (backends.md, Slurm resources), and as local resources when Slurm is not
// reachable (backend conversion to local).
using Lmake.Server.Backends.Slurm;

namespace Lmake.Server.Tests;

public class SlurmResourcesTests
{
    private static readonly HashSet<string> NoLicenses = [];

    private static List<string>? Options(Dictionary<string, string> resources, IReadOnlySet<string>? licenses = null) =>
        SlurmResources.Options(resources, licenses ?? NoLicenses, out _);

    [Fact]
    public void CpuMemAndTmpAreTheTasksCpusMemoryAndDiskInMegabytes()
    {
        Assert.Equal(["--cpus-per-task=2", "--mem=20M", "--tmp=4096M"], Options(new() { ["cpu"] = "2", ["mem"] = "20M", ["tmp"] = "4G" }));
        Assert.Equal(["--mem=1M"], Options(new() { ["mem"] = "512k" }));   // rounded up to the MB
        Assert.Equal(["--mem=300M"], Options(new() { ["mem"] = "300" }));   // a bare number is MB
    }

    [Fact]
    public void SchedulingAttributesArePassedAsTheyAre()
    {
        // in the order of the resource names (the key of the job's queue), gres and licenses last
        Assert.Equal(["--exclude=n3", "--constraint=avx2", "--nodelist=n1", "--partition=debug", "--qos=high", "--reservation=r", "--wckey=k"],
            Options(new() { ["partition"] = "debug", ["qos"] = "high", ["features"] = "avx2", ["excludes"] = "n3", ["nodes"] = "n1", ["reserv"] = "r", ["wckey"] = "k" }));
    }

    [Fact]
    public void OtherResourcesAreLicensesWhenSlurmKnowsThemElseGenericResources()
    {
        Assert.Equal(["--gres=gpu:2", "--licenses=vcs:3,matlab:1"],
            Options(new() { ["gpu"] = "2", ["matlab"] = "1", ["licenses"] = "vcs:3" }, new HashSet<string> { "matlab" }));
        Assert.Equal(["--gres=fpga:1,gpu:1"], Options(new() { ["gres"] = "gpu:1", ["fpga"] = "1" }));
    }

    [Fact]
    public void IndexZeroIsTheSameAsNoIndex()
    {
        Assert.Equal(["--partition=p", "--gres=gpu:1"], Options(new() { ["gres0"] = "gpu:1", ["partition0"] = "p" }));
    }

    [Fact]
    public void OtherIndicesAreTheComponentsOfAHeterogeneousJobSeparatedByAColon()
    {
        Assert.Equal(["--cpus-per-task=2", "--mem=100M", ":", "--cpus-per-task=1", "--partition=big", "--gres=gpu:1"],
            Options(new() { ["cpu"] = "2", ["mem"] = "100M", ["cpu1"] = "1", ["gres1"] = "gpu:1", ["partition1"] = "big" }));
        // a component asking nothing of its own still gets one task (sbatch takes nothing between two colons)
        Assert.Equal(["--cpus-per-task=1", ":", "--ntasks=1"], Options(new() { ["cpu"] = "1", ["mem1"] = "0" }));
    }

    [Fact]
    public void AComponentWithNoneBeforeItIsRefused()
    {
        Assert.Null(SlurmResources.Options(new Dictionary<string, string> { ["gres2"] = "gpu:1" }, NoLicenses, out string? error));
        Assert.Equal("resources of heterogeneous component 2 but none of component 1", error);
    }

    [Fact]
    public void AnAmountThatIsNoNumberIsRefusedWithItsName()
    {
        Assert.Null(SlurmResources.Options(new Dictionary<string, string> { ["mem"] = "lots" }, NoLicenses, out string? error));
        Assert.Equal("resource mem = 'lots' is not a size (a number of MB, or with a unit : 512M, 4G)", error);
        Assert.Null(SlurmResources.Options(new Dictionary<string, string> { ["gpu"] = "two" }, NoLicenses, out error));
        Assert.Equal("resource gpu = 'two' is not a whole number (a slurm license or gres count)", error);
    }

    private static readonly Dictionary<string, long> Local = new() { ["cpu"] = 4, ["mem"] = 1000, ["tmp"] = long.MaxValue };

    [Fact]
    public void OnTheLocalBackendWhatFitsIsKept()
    {
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "2", ["mem"] = "20" }, SlurmToLocal.Resources(new Dictionary<string, string> { ["cpu"] = "2", ["mem"] = "20M" }, Local));
    }

    [Fact]
    public void OnTheLocalBackendWhatCannotBeTranslatedMakesTheJobRunAlone()
    {
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "4" }, SlurmToLocal.Resources(new Dictionary<string, string> { ["licenses"] = "no_lic", ["mem"] = "20M" }, Local));
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "4" }, SlurmToLocal.Resources(new Dictionary<string, string> { ["mem"] = "2G" }, Local));
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "1" }, SlurmToLocal.Resources(new Dictionary<string, string> { ["cpu"] = "1", ["partition"] = "" }, Local));
    }
}
