// The kinds of message exchanged between a client command (lmake, lshow...) and lmakeserver.
//
// A conversation, one TCP connection per command:
//   client -> server  Hello    magic "lmake-cs", protocol version, the key read from LMAKE/server_key
//   server -> client  Welcome  (key accepted)  or  Refused + reason, then the server closes
//   client -> server  Request  command, args, cwd, repo root, environment, stdout-is-a-terminal
//   server -> client  Out / Err lines, any number, in the order the engine produced them; to a client whose stdout is
//                     a terminal, Progress reports too (ProgressReport), between them
//   client -> server  Cancel   at any time after Request (^C); closing the socket means the same
//   server -> client  Exit     the exit code; the last message, the server closes after it
//
// The Job* kinds are the conversation of a remote job_exec with the server (Lmake.Autodep.RemoteJobWire).
namespace Lmake.Common.Protocol;

public enum MessageKind : byte
{
    Hello = 1,
    Request = 2,
    Cancel = 3,

    Welcome = 16,
    Refused = 17,
    Out = 18,
    Err = 19,
    Exit = 20,
    Progress = 21,

    JobOrder = 32,
    JobVerifyDeps = 33,
    JobCheckDeps = 34,
    JobEncode = 35,
    JobDecode = 36,
    JobAnswer = 37,
    JobStdout = 38,
    JobKill = 39,
    JobEnd = 40,
}
