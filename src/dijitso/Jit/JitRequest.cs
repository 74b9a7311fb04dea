// What `dijitso jit` was asked for, once the options are parsed.
namespace Dijitso.Jit;

public enum BuildOn { Node, Root, Process }

public sealed class JitRequest
{
    public required string Signature;
    public string? SourceFile;       // --source
    public string? GenerateCommand;  // --generate
    public string? HeaderFile;       // --header
    public List<string> Deps = [];
    public BuildOn BuildOn = BuildOn.Node;
    public bool Json;
}
