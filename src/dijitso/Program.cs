// dijitso: a JIT compile cache for C++ shared libraries.
using Lmake.Common;

return PendingCommand.Run("dijitso", "compile C++ into a cached shared library, once per cache directory", args);
