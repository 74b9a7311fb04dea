// A peer that does not speak the protocol: bad magic, bad frame, truncated message, unexpected message.
namespace Lmake.Common.Protocol;

public sealed class ProtocolException : Exception
{
    public ProtocolException(string message) : base(message) { }
}
