// Whether a change of a dep is one the job could see, by what it looked at (ldepend(1) access patterns): the
// decision behind reruns and was_ lines, checked on checksums alone.
using Lmake.Common.Checksums;
using Lmake.Server.Rules;

namespace Lmake.Server.Tests.Engine;

public class DepAccessesTests
{
    private static readonly FileChecksum None = FileChecksum.None;
    private static readonly FileChecksum FileA = new(FileKind.Regular, 1, false);
    private static readonly FileChecksum FileB = new(FileKind.Regular, 2, false);
    private static readonly FileChecksum ExeA = new(FileKind.Executable, 1, false);
    private static readonly FileChecksum LinkA = new(FileKind.Symlink, 1, false);
    private static readonly FileChecksum LinkB = new(FileKind.Symlink, 2, false);

    [Fact]
    public void NothingLookedAtSeesNoChange()
    {
        Assert.False(DepAccesses.None.Differ(None, FileA));
        Assert.False(DepAccesses.None.Differ(FileA, FileB));
    }

    [Fact]
    public void AReadSeesContentAndExistenceButNotALinkText()
    {
        Assert.True(DepAccesses.Reg.Differ(FileA, FileB));
        Assert.True(DepAccesses.Reg.Differ(None, FileA));
        Assert.True(DepAccesses.Reg.Differ(None, LinkA));   // open succeeds where it failed
        Assert.False(DepAccesses.Reg.Differ(LinkA, LinkB)); // what it points to is a dep of its own
    }

    [Fact]
    public void AReadlinkSeesOnlyLinks()
    {
        Assert.False(DepAccesses.Lnk.Differ(None, FileA));
        Assert.False(DepAccesses.Lnk.Differ(FileA, FileB));
        Assert.True(DepAccesses.Lnk.Differ(LinkA, LinkB));
        Assert.True(DepAccesses.Lnk.Differ(FileA, LinkA));
    }

    [Fact]
    public void AStatSeesKindsNotContent()
    {
        Assert.True(DepAccesses.Stat.Differ(None, FileA));
        Assert.True(DepAccesses.Stat.Differ(FileA, ExeA));
        Assert.False(DepAccesses.Stat.Differ(FileA, FileB));
    }

    [Fact]
    public void AllSeesAnyDifference()
    {
        Assert.True(DepAccesses.All.Differ(LinkA, LinkB));
        Assert.True(DepAccesses.All.Differ(FileA, FileB));
        Assert.False(DepAccesses.All.Differ(FileA, FileA));
    }
}
