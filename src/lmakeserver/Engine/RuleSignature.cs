// A rule's command signature as a 64-bit hash: what a job remembers of the rule it ran with.
using System.Text;
using Lmake.Common.Checksums;
using Lmake.Server.Rules;

namespace Lmake.Server.Engine;

public static class RuleSignature
{
    /// <summary>Asked for every job of every request: hashed once per rule (a Rule does not change, a new
    /// Lmakefile makes new ones).</summary>
    public static ulong Of(Rule rule)
    {
        if (rule.SignatureHash == 0) rule.SignatureHash = XxHash.Xxh3_64(Encoding.UTF8.GetBytes(rule.CmdSignature)) | 1; // 0 is "never ran"
        return rule.SignatureHash;
    }
}
