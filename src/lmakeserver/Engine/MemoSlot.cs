// What a request made of a node or a job, kept in the node or job itself: a no-op build asks it for every
// node and job, and a field costs no hashing. A slot belongs to one live request at a time; a second
// request running at once keeps its own in a dictionary (MakeRequest.TryGetMade).
namespace Lmake.Server.Engine;

public abstract class MemoSlot
{
    internal MakeRequest? MemoRequest;
    internal Task<NodeResult>? MemoTask;

    /// <summary>The request whose making of it is under way on the engine thread's stack (not yet memoized): met again
    /// there by that request, it waits on itself (a cycle of deps).</summary>
    internal MakeRequest? MakingNowFor;
}
