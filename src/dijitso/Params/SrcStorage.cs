// What becomes of a signature's source once its library is built.
namespace Dijitso.Params;

public enum SrcStorage { Compress, Keep, Delete }
