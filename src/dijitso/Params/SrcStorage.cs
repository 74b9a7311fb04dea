// What becomes of a signature's source once its library is built: compressed with LZ4 (ours, SIG.cpp.lz4), with
// gzip (the original's SIG.cpp.gz, chosen by the Python package for the original's layout), kept, or deleted.
namespace Dijitso.Params;

public enum SrcStorage { Compress, Gzip, Keep, Delete }
