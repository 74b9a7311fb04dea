// Where the installed parts are. Executables find each other from their own real path (symlinks
// resolved), never from PATH, so an unpacked tarball works wherever it lands.
namespace Lmake.Common;

public sealed class InstallLayout
{
    /// <summary>The directory holding bin/ _bin/ lib/ _lib/.</summary>
    public string Root { get; }

    public InstallLayout(string root) => Root = root;

    public string Bin => Path.Combine(Root, "bin");
    public string PrivateBin => Path.Combine(Root, "_bin");
    public string Lib => Path.Combine(Root, "lib");
    public string PrivateLib => Path.Combine(Root, "_lib");

    public static InstallLayout Current { get; } = FromProcess();

    private static InstallLayout FromProcess()
    {
        // LMAKE_INSTALL_ROOT lets unit tests and `dotnet run` point at an _install/ tree.
        string? overridden = Environment.GetEnvironmentVariable("LMAKE_INSTALL_ROOT");
        if (!string.IsNullOrEmpty(overridden)) return new InstallLayout(Path.GetFullPath(overridden));
        string exe = Environment.ProcessPath ?? AppContext.BaseDirectory;
        string dir = Path.GetDirectoryName(exe) ?? "/";
        return new InstallLayout(Path.GetDirectoryName(dir) ?? "/");
    }
}
