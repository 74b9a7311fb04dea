// The content of LMAKE/server: line 1 the address the server listens on (host:port), line 2 its pid.
using System.Globalization;
using System.Net;

namespace Lmake.Common.Protocol;

public readonly record struct ServerAddress(IPEndPoint EndPoint, int Pid)
{
    public string Format() => $"{EndPoint.Address}:{EndPoint.Port}\n{Pid.ToString(CultureInfo.InvariantCulture)}\n";

    /// <summary>Null when the text is not two such lines (a file being written by an older tool, or damaged).</summary>
    public static ServerAddress? Parse(string text)
    {
        string[] lines = text.Split('\n');
        if (lines.Length < 2) return null;
        if (!IPEndPoint.TryParse(lines[0].Trim(), out IPEndPoint? endPoint) || endPoint.Port == 0) return null;
        if (!int.TryParse(lines[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
            return null;
        return new ServerAddress(endPoint, pid);
    }
}
