// The messages of the in-job command channel (a unix stream socket, see JobChannel), framed as
// Lmake.Common.Protocol.JobChannelFrames says (the python copy is src/python/lmake/_job_api.py):
//   request = key, verb, cwd of the caller, then the verb's arguments
//   reply   = "ok" then results, or "error" then one message
using Lmake.Common.Protocol;

namespace Lmake.Autodep;

internal static class JobChannelWire
{
    public static byte[] Ok(params string[] results)
    {
        var fields = new List<string>(results.Length + 1) { "ok" };
        fields.AddRange(results);
        return JobChannelFrames.Frame(fields);
    }

    public static byte[] Error(string message) => JobChannelFrames.Frame(["error", message]);
}
