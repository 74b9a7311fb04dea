// The deterministic sequence of names the crash writer inserts (name i gets id i) and the record it appends
// for each; the kill test recomputes both to check what survived a kill -9.
namespace Lmake.Store.CrashWriter;

public struct CrashRecord
{
    public uint Id;
    public ulong Check;
}

public static class CrashSequence
{
    /// <summary>
    /// Name i (i >= 1): four files below "top{k%7}/dir{k}", then that directory itself (a directory
    /// node turned into a name), with now and then a long component and an absolute path.
    /// </summary>
    public static string Name(uint i)
    {
        uint k = (i - 1) / 5, position = (i - 1) % 5;
        string root = k % 11 == 3 ? "/abs/top" : "top";
        string directory = $"{root}{k % 7}/dir{k}";
        if (position == 4) return directory;
        string file = $"file{i}.c";
        if (i % 13 == 0) file = new string((char)('a' + (char)(i % 26)), 300 + (int)(i % 200)) + file;
        return $"{directory}/{file}";
    }

    public static ulong Check(uint i) => (ulong)i * 0x9E3779B97F4A7C15UL ^ 0xABCDEF;

    public static CrashRecord Record(uint i) => new() { Id = i, Check = Check(i) };
}
