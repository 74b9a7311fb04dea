// The one error the store raises for a file it cannot use (missing, truncated, foreign, garbage, locked):
// the message always names the file, so a user can tell which part of the state is broken.
namespace Lmake.Store;

public sealed class StoreException : Exception
{
    /// <summary>The file the error is about.</summary>
    public string FilePath { get; } = "";

    public StoreException() { }
    public StoreException(string message) : base(message) { }
    public StoreException(string message, Exception inner) : base(message, inner) { }

    public StoreException(string filePath, string problem) : base($"{filePath}: {problem}")
    {
        FilePath = filePath;
    }
}
