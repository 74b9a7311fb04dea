// The parts of `lmake` options the make algorithm itself looks at.
namespace Lmake.Server.Engine;

public sealed record MakeOptions(bool KeepTmp, bool ForgetOldErrors, int? MaxRuns, int RetriesOnError = 0);
