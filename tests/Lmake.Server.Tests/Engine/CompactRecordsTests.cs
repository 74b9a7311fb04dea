// The engine's most numerous records kept small (issue 18): a dep record is 16 bytes with no reference the collector
// walks, a node keeps its two checksums as hashes and a byte each, a job keeps its rare facts apart. What each of them
// is given reads back the same, for every kind of file and every flag.
using System.Runtime.CompilerServices;
using Lmake.Common.Checksums;
using Lmake.Server.Engine;
using Lmake.Server.Rules;

namespace Lmake.Server.Tests.Engine;

public class CompactRecordsTests
{
    public static TheoryData<FileChecksum> Checksums() =>
    [
        FileChecksum.None,
        FileChecksum.Directory,
        new FileChecksum(FileKind.Regular, 0x0123_4567_89ab_cdef, false),
        new FileChecksum(FileKind.Regular, 0, true),
        new FileChecksum(FileKind.Executable, ulong.MaxValue, false),
        new FileChecksum(FileKind.Executable, 7, true),
        new FileChecksum(FileKind.Symlink, 0x8000_0000_0000_0001, false),
    ];

    [Fact]
    public void ADepRecordIsSixteenBytesWithoutReference()
    {
        Assert.Equal(16, Unsafe.SizeOf<DepRecord>());
        Assert.False(RuntimeHelpers.IsReferenceOrContainsReferences<DepRecord>());
    }

    [Theory]
    [MemberData(nameof(Checksums))]
    public void ADepRecordReadsBackWhatItWasGiven(FileChecksum seen)
    {
        var node = new Node(123_456, "src/a.h");
        const DepFlags every = DepFlags.Essential | DepFlags.Critical | DepFlags.IgnoreError | DepFlags.Required | DepFlags.ReaddirOk
            | DepFlags.Ignore | DepFlags.Top | DepFlags.ParallelWithPrevious | DepFlags.Resource;
        foreach (bool isStatic in new[] { false, true })
            foreach (DepFlags flags in new[] { DepFlags.None, DepFlags.Critical, DepFlags.Resource, every })
                foreach (DepAccesses accesses in new[] { DepAccesses.None, DepAccesses.Reg, DepAccesses.All })
                {
                    var d = new DepRecord(node, isStatic, seen, flags, accesses);
                    Assert.Equal((123_456u, isStatic, seen, flags, accesses), (d.NodeId, d.IsStatic, d.Seen, d.Flags, d.Accesses));
                }
    }

    [Fact]
    public void ADepRecordByDefaultHasNoFlagsAndEveryAccess()
    {
        var d = new DepRecord(new Node(1, "a"), true, FileChecksum.None);
        Assert.Equal((DepFlags.None, DepAccesses.All), (d.Flags, d.Accesses));
    }

    [Theory]
    [MemberData(nameof(Checksums))]
    public void ANodeReadsBackBothItsChecksums(FileChecksum sum)
    {
        var node = new Node(1, "a/b");
        Assert.Equal((FileChecksum.None, FileChecksum.None), (node.Checksum, node.WrittenChecksum));
        var other = new FileChecksum(FileKind.Regular, 99, false);
        node.Checksum = sum;
        node.WrittenChecksum = other;
        Assert.Equal((sum, other), (node.Checksum, node.WrittenChecksum));
        node.WrittenChecksum = sum;
        node.Checksum = other;
        Assert.Equal((other, sum), (node.Checksum, node.WrittenChecksum));
    }

    [Fact]
    public void AJobsRareFactsReadBackAsSetAndStartEmpty()
    {
        var job = new Job(1, "a.o", null!, null);
        Assert.Empty(job.PlanReadsSeen);
        Assert.Null(job.WantedStarTargets);
        Assert.Equal("", job.Stderr);
        job.Stderr = "warning: x\n";
        Assert.Equal("warning: x\n", job.Stderr);
        job.Stderr = "";
        Assert.Equal("", job.Stderr);
        var read = new FileChecksum(FileKind.Regular, 5, false);
        job.PlanReadsSeen = [read];
        var wanted = new Node(2, "a2");
        (job.WantedStarTargets ??= []).Add(wanted);
        Assert.Equal([read], job.PlanReadsSeen);
        Assert.Equal([wanted], job.WantedStarTargets);
        job.PlanReadsSeen = [];
        job.WantedStarTargets = null;
        Assert.Empty(job.PlanReadsSeen);
        Assert.Null(job.WantedStarTargets);
    }

    [Fact]
    public void AJobWithManyTargetsTellsWhichItWrote()
    {
        var job = new Job(1, "gen", null!, null);
        var nodes = Enumerable.Range(0, 20).Select(i => new Node((uint)i + 10, $"out/{i}")).ToList();
        job.Targets = nodes.Take(12).ToArray();
        Assert.True(job.Wrote(nodes[11]));
        Assert.False(job.Wrote(nodes[12]));
        // a new run's targets: the set made for the former ones is not used for these
        job.Targets = nodes.Skip(8).ToArray();
        Assert.True(job.Wrote(nodes[19]));
        Assert.False(job.Wrote(nodes[0]));
    }
}
