// Job infos (State/JobInfo, JobInfoLog): queued to a writer thread, readable at once, in the log after a flush;
// a run again replaces a job's info; a damaged record, a torn tail, a lost index, a compaction and the older
// one-file-per-job layout lose nothing else.
using Lmake.Server.Admin;
using Lmake.Server.State;

namespace Lmake.Server.Tests;

public sealed class AdminJobInfoTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lmake-jobinfo-").FullName;
    private string LmakeDir => Path.Combine(_root, "LMAKE");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JobInfo Info(uint id, string stdout = "") =>
        new() { Key = $"R/j{id}", Stdout = stdout.Length > 0 ? stdout : $"out {id}\n", Deps = [new JobInfoFile { Name = "d", Static = true, Checksum = "none" }] };

    private void Append(params uint[] ids)
    {
        using JobInfoLog log = JobInfoLog.OpenForWriting(LmakeDir);
        log.Append(ids.Select(id => (id, Info(id))).ToList());
    }

    [Fact]
    public void AQueuedInfoIsReadAtOnceAndIsInTheLogAfterAFlush()
    {
        for (uint id = 1; id <= 50; id++) JobInfos.Write(_root, id, Info(id));
        Assert.Equal("out 7\n", JobInfos.Read(_root, 7)!.Stdout);
        JobInfos.Flush();
        for (uint id = 1; id <= 50; id++)
        {
            JobInfo? onDisk = JobInfoLog.ReadOne(LmakeDir, id);
            Assert.NotNull(onDisk);
            Assert.Equal($"R/j{id}", onDisk.Key);
            Assert.True(onDisk.Deps[0].Static);
        }
        Assert.Equal(["job_infos", "job_infos.index"], Directory.GetFiles(LmakeDir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ARunAgainReplacesTheInfoAndCountsTheOldOneDead()
    {
        Append(1, 2);
        using (JobInfoLog log = JobInfoLog.OpenForWriting(LmakeDir))
        {
            Assert.Equal(0, log.Dead);
            log.Append([(2u, Info(2, "second run\n"))]);
            Assert.True(log.Dead > 0);
            Assert.Equal("second run\n", log.Read(2)!.Stdout);
            Assert.Equal("out 1\n", log.Read(1)!.Stdout);
        }
        Assert.Equal(["out 1\n", "out 2\n", "second run\n"], JobInfoLog.Scan(JobInfoLog.LogPath(LmakeDir)).Select(r => r.Info.Stdout));
    }

    [Fact]
    public void AMissingOrDamagedInfoIsNoInfo()
    {
        Assert.Null(JobInfos.Read(_root, 12345));
        Append(1, 2, 3);
        Assert.Null(JobInfoLog.ReadOne(LmakeDir, 4));
        string log = JobInfoLog.LogPath(LmakeDir);
        byte[] bytes = File.ReadAllBytes(log);
        int at = IndexOf(bytes, "out 2");
        bytes[at] ^= 0x20;   // a flipped bit in job 2's record
        File.WriteAllBytes(log, bytes);
        Assert.Null(JobInfoLog.ReadOne(LmakeDir, 2));
        Assert.Equal("out 1\n", JobInfoLog.ReadOne(LmakeDir, 1)!.Stdout);
        Assert.Equal("out 3\n", JobInfoLog.ReadOne(LmakeDir, 3)!.Stdout);
    }

    [Fact]
    public void ATornAppendIsCutOffAndTheNextAppendsAreWhole()
    {
        Append(1);
        string log = JobInfoLog.LogPath(LmakeDir);
        long whole = new FileInfo(log).Length;
        using (var f = new FileStream(log, FileMode.Append)) f.Write(new byte[] { 200, 0, 0, 0, 2, 0, 0, 0, 1, 2, 3 });   // a crash mid-record
        Append(2);
        Assert.Equal([1u, 2u], JobInfoLog.Scan(log).Select(r => r.JobId));
        Assert.Equal("out 2\n", JobInfoLog.ReadOne(LmakeDir, 2)!.Stdout);
        Assert.True(new FileInfo(log).Length > whole);
    }

    [Fact]
    public void ALostOrForeignIndexIsRebuiltFromTheLog()
    {
        Append(1, 2);
        Append(2);
        File.Delete(JobInfoLog.IndexPath(LmakeDir));
        Assert.Null(JobInfoLog.ReadOne(LmakeDir, 1));   // no index: readers know nothing, never something wrong
        using (JobInfoLog.OpenForWriting(LmakeDir)) { }
        Assert.Equal("out 1\n", JobInfoLog.ReadOne(LmakeDir, 1)!.Stdout);
        Assert.Equal("out 2\n", JobInfoLog.ReadOne(LmakeDir, 2)!.Stdout);
        File.WriteAllBytes(JobInfoLog.IndexPath(LmakeDir), new byte[64]);   // the index of another log (stamp 0)
        Assert.Null(JobInfoLog.ReadOne(LmakeDir, 1));
        using (JobInfoLog.OpenForWriting(LmakeDir)) { }
        Assert.Equal("out 1\n", JobInfoLog.ReadOne(LmakeDir, 1)!.Stdout);
    }

    [Fact]
    public void AMostlyDeadLogIsCompactedWhenOpened()
    {
        string big = new('x', 10_000);
        using (JobInfoLog log = JobInfoLog.OpenForWriting(LmakeDir))
            for (int run = 0; run < 5; run++)
                log.Append(Enumerable.Range(1, 20).Select(i => ((uint)i, Info((uint)i, $"run {run} {big}"))).ToList());
        string path = JobInfoLog.LogPath(LmakeDir);
        long before = new FileInfo(path).Length;
        using (JobInfoLog log = JobInfoLog.OpenForWriting(LmakeDir, compactAbove: 1000))
        {
            Assert.Equal(0, log.Dead);
            for (uint id = 1; id <= 20; id++) Assert.StartsWith("run 4 ", log.Read(id)!.Stdout);
        }
        Assert.InRange(new FileInfo(path).Length, before / 6, before / 4);   // 1 run of 5 left
        Assert.False(File.Exists(path + ".compact"));
        Assert.StartsWith("run 4 ", JobInfoLog.ReadOne(LmakeDir, 13)!.Stdout);
    }

    [Fact]
    public void InfosOfTheOlderOneFilePerJobLayoutAreTakenIn()
    {
        string jobs = Path.Combine(LmakeDir, "jobs");
        Directory.CreateDirectory(jobs);
        File.WriteAllText(Path.Combine(jobs, "5"), "{\"key\": \"R/old\", \"stdout\": \"old out\\n\"}");
        File.WriteAllText(Path.Combine(jobs, "6"), "{\"key\": \"R/x\", \"std");   // damaged: skipped
        using (JobInfoLog.OpenForWriting(LmakeDir)) { }
        Assert.False(Directory.Exists(jobs));
        Assert.Equal("old out\n", JobInfoLog.ReadOne(LmakeDir, 5)!.Stdout);
        Assert.Null(JobInfoLog.ReadOne(LmakeDir, 6));
    }

    private static int IndexOf(byte[] bytes, string text)
    {
        byte[] needle = System.Text.Encoding.UTF8.GetBytes(text);
        for (int i = 0; i + needle.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException($"{text} not found");
    }
}
