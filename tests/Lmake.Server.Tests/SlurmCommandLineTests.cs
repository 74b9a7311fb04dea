// lmake -b for the Slurm backend (backends.md, "Command line option"): srun-like options of one command, in place
// of what the rules' resources say for the same option, on the first component of a heterogeneous job only.
using Lmake.Server.Backends.Slurm;

namespace Lmake.Server.Tests;

public class SlurmCommandLineTests
{
    private static List<string>? Parse(params string[] args) => SlurmCommandLine.Parse(args, out _);

    [Fact]
    public void ShortLongAttachedAndSeparateFormsAllGiveSbatchOptions()
    {
        Assert.Equal(["--partition=big", "--qos=fast", "--cpus-per-task=4", "--mem=2G", "--reservation=r1", "--nodelist=n1"],
            Parse("-p", "big", "-qfast", "--cpus-per-task=4", "--mem", "2G", "--reservation=r1", "-w", "n1"));
        Assert.Equal(["--partition=b"], Parse("-p", "a", "--partition=b"));   // the last one wins
        Assert.Empty(Parse()!);
    }

    [Fact]
    public void AnOptionNotTakenOrWithoutValueIsRefusedByName()
    {
        Assert.Null(SlurmCommandLine.Parse(["--time=10"], out string? error));
        Assert.StartsWith("lmake -b : slurm option --time=10 is not taken (", error);
        Assert.Null(SlurmCommandLine.Parse(["-p"], out error));
        Assert.Equal("lmake -b : slurm option -p needs a value", error);
        Assert.Null(SlurmCommandLine.Parse(["-c", "two"], out error));
        Assert.Equal("lmake -b : --cpus-per-task two is not a whole number", error);
        Assert.Null(SlurmCommandLine.Parse(["-h"], out error));
        Assert.Equal(SlurmCommandLine.Usage, error);
    }

    [Fact]
    public void CommandLineOptionsReplaceThoseOfTheResourcesInTheFirstComponentOnly()
    {
        List<string> fromResources = ["--cpus-per-task=1", "--partition=small", "--gres=gpu:1", ":", "--partition=small"];
        Assert.Equal(["--cpus-per-task=1", "--gres=gpu:1", "--partition=big", "--mem=1G", ":", "--partition=small"],
            SlurmCommandLine.Override(fromResources, ["--partition=big", "--mem=1G"]));
        Assert.Equal(fromResources, SlurmCommandLine.Override(fromResources, []));
    }
}
