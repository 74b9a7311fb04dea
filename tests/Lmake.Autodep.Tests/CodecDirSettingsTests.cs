// What the owner of a codec table dir sets (codec.md, Permissions and Coherence): new entries take the rights of
// the table's dir whatever the encoder's umask, file_sync is read from LMAKE/file_sync or LMAKE/config.py and a
// value that is none of the documented ones is refused with the file's name.
namespace Lmake.Autodep.Tests;

public class CodecDirSettingsTests
{
    private static string Table(TempRepo dir, UnixFileMode mode)
    {
        string table = dir["codes"];
        Directory.CreateDirectory(table);
        File.SetUnixFileMode(table, mode);
        return table;
    }

    private const UnixFileMode GroupShared = UnixFileMode.SetGroup | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [Fact]
    public void Entries_of_a_group_shared_table_are_group_writable_whatever_the_umask()
    {
        using var dir = new TempRepo();
        string table = Table(dir, GroupShared);   // chmod 2775, as codec.md asks of a table a group shares
        string code = CodecTable.Encode(table, "ctx", "a value", 3);
        Assert.Equal("a value", CodecTable.Decode(table, "ctx", code));
        string store = Directory.GetFiles(Path.Combine(table, "store")).Single();
        // (this process's umask is 022: left alone, the file would be 644 and the dirs 755)
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead,
                     File.GetUnixFileMode(store));
        Assert.Equal(GroupShared, File.GetUnixFileMode(Path.Combine(table, "store")));
        Assert.Equal(GroupShared, File.GetUnixFileMode(Path.Combine(table, "tab", "ctx")));
    }

    [Fact]
    public void A_private_table_gives_private_entries()
    {
        using var dir = new TempRepo();
        string table = Table(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        CodecTable.Encode(table, "a/b", "v", 1);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Directory.GetFiles(Path.Combine(table, "store")).Single()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(table, "tab", "a")));
    }

    [Theory]
    [InlineData("LMAKE/file_sync", "none\n", "none")]
    [InlineData("LMAKE/file_sync", "sync", "sync")]
    [InlineData("LMAKE/file_sync", "afs", "none")]
    [InlineData("LMAKE/config.py", "size = '1M'\nfile_sync = 'readdir'\n", "readdir")]
    [InlineData("LMAKE/config.py", "size = '1M'\n", "none")]   // auto, on a local disk
    public void File_sync_is_read_from_the_dir(string file, string content, string expected)
    {
        using var dir = new TempRepo();
        string table = Table(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        dir.Write("codes/" + file, content);
        Assert.Equal(expected, CodecDirSettings.Of(table).FileSync);
        // and the table works with it
        string code = CodecTable.Encode(table, "ctx", "value", 2);
        Assert.Equal("value", CodecTable.Decode(table, "ctx", code));
    }

    [Fact]
    public void An_unknown_file_sync_is_refused_naming_the_file()
    {
        using var dir = new TempRepo();
        string table = Table(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        dir.Write("codes/LMAKE/file_sync", "often\n");
        var e = Assert.Throws<InvalidDataException>(() => CodecTable.Encode(table, "ctx", "value", 2));
        Assert.Equal($"{table}/LMAKE/file_sync: file_sync 'often' is none of auto, none, dir, readdir, sync, afs", e.Message);
    }
}
