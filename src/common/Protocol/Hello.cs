// The first message of every connection: who we are and the key that proves the client may use this repo.
using System.Security.Cryptography;
using System.Text;

namespace Lmake.Common.Protocol;

public static class Hello
{
    public const string Magic = "lmake-cs";
    /// <summary>Bumped whenever a message changes: an old client meeting a new server is refused plainly.</summary>
    public const int Version = 1;

    public static PayloadWriter Encode(string key) => new PayloadWriter().String(Magic).Int(Version).String(key);

    /// <summary>Null when the hello is acceptable, else the reason to send back in Refused.</summary>
    public static string? Check(Frame frame, string expectedKey)
    {
        if (frame.Kind != MessageKind.Hello) return $"expected hello, got {frame.Kind}";
        PayloadReader r = frame.Reader();
        if (r.String() != Magic) return "not an lmake-cs client";
        int version = r.Int();
        if (version != Version) return $"protocol version {version}, server speaks {Version}";
        string key = r.String();
        return KeysEqual(key, expectedKey) ? null : "bad key";
    }

    /// <summary>Constant-time, so the time of a refusal says nothing about how much of a guessed key was right.</summary>
    private static bool KeysEqual(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    /// <summary>A fresh random key, as written in LMAKE/server_key.</summary>
    public static string NewKey() => SecureRandom.Hex(32);
}
