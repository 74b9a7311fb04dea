// A temporary directory for store files, removed after the test.
namespace Lmake.Store.Tests;

public sealed class StoreDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("lmake-store-test-").FullName;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a leftover temp dir must not fail a test */ }
    }
}
