// The files in LMAKE/ through which clients find the server of their repo:
//   server       address and pid (ServerAddress), present exactly while a server listens
//   server_key   the random key clients must send, readable by the owner only (0600)
//   server.lock  flock'd by the running server for its whole life: one server per repo
//   server.log   the server's stdout and stderr (it runs detached from any terminal)
namespace Lmake.Common.Protocol;

public sealed class ServerFiles
{
    /// <summary>The admin directory in the repo root: the client and the server (State.LmakeDir) both name it.</summary>
    public const string DirName = "LMAKE";

    public ServerFiles(string repoRoot)
    {
        RepoRoot = repoRoot;
        AdminDir = Path.Combine(repoRoot, DirName);
    }

    public string RepoRoot { get; }
    public string AdminDir { get; }
    public string AddressFile => Path.Combine(AdminDir, "server");
    public string KeyFile => Path.Combine(AdminDir, "server_key");
    public string LockFile => Path.Combine(AdminDir, "server.lock");
    public string LogFile => Path.Combine(AdminDir, "server.log");

    public ServerAddress? ReadAddress()
    {
        try { return ServerAddress.Parse(File.ReadAllText(AddressFile)); }
        catch (IOException) { return null; }           // absent, or removed while we read it
        catch (UnauthorizedAccessException) { return null; }
    }

    public string? ReadKey()
    {
        try { return File.ReadAllText(KeyFile).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Written whole (temp + rename): a client never reads half an address.</summary>
    public void WriteAddress(ServerAddress address) =>
        WriteAtomically(AddressFile, address.Format(), UnixFileMode.UserRead | UnixFileMode.UserWrite |
                                                       UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    /// <summary>Created with mode 0600 from the start: there is no moment when others could read it.</summary>
    public void WriteKey(string key) =>
        WriteAtomically(KeyFile, key + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);

    /// <summary>Removes LMAKE/server if it still names <paramref name="pid"/> (a newer server may own it).</summary>
    public void RemoveAddressIfOwnedBy(int pid)
    {
        if (ReadAddress() is { } a && a.Pid == pid) TryDelete(AddressFile);
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void WriteAtomically(string path, string content, UnixFileMode mode)
    {
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = mode,
        };
        File.Delete(temp);
        using (var s = new StreamWriter(temp, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
            s.Write(content);
        File.Move(temp, path, overwrite: true);
    }
}
