// Job infos (Admin/JobInfo): queued to a writer thread, readable at once, on disk after a flush, and a
// damaged file reads as "no info" rather than an error.
using Lmake.Server.Admin;

namespace Lmake.Server.Tests;

public sealed class AdminJobInfoTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lmake-jobinfo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AQueuedInfoIsReadAtOnceAndIsOnDiskAfterAFlush()
    {
        for (uint id = 1; id <= 50; id++)
            JobInfos.Write(_root, id, new JobInfo { Key = $"R/j{id}", Stdout = $"out {id}\n", Deps = [new JobInfoFile { Name = "d", Static = true, Checksum = "none" }] });
        Assert.Equal("out 7\n", JobInfos.Read(_root, 7)!.Stdout);
        JobInfos.Flush();
        for (uint id = 1; id <= 50; id++)
        {
            JobInfo? onDisk = JobInfos.ReadFile(JobInfos.PathOf(_root, id));
            Assert.NotNull(onDisk);
            Assert.Equal($"R/j{id}", onDisk.Key);
            Assert.True(onDisk.Deps[0].Static);
        }
        Assert.Empty(Directory.GetFiles(JobInfos.DirOf(_root), "*.tmp"));
    }

    [Fact]
    public void ADamagedOrMissingInfoIsNoInfo()
    {
        Assert.Null(JobInfos.Read(_root, 12345));
        Directory.CreateDirectory(JobInfos.DirOf(_root));
        File.WriteAllText(JobInfos.PathOf(_root, 3), "{\"key\": \"R/x\", \"std");
        Assert.Null(JobInfos.Read(_root, 3));
    }
}
