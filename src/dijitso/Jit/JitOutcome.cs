// The result `dijitso jit` prints: the library's path, or with --json {"signature","path","status"}.
using System.Text.Json.Serialization;

namespace Dijitso.Jit;

public enum JitStatus { Hit, Built, Received, Waited, Failed }

public sealed record JitOutcome(
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null)
{
    public static string StatusName(JitStatus s) => s.ToString().ToLowerInvariant();
}

[JsonSerializable(typeof(JitOutcome))]
[JsonSourceGenerationOptions(WriteIndented = false)]
public sealed partial class JitOutcomeJson : JsonSerializerContext;
