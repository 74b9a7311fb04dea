// How `lmake -c` lets jobs use the shared cache (spec D): none, only read it, only fill it, or both.
namespace Lmake.Common.Commands;

public enum CacheMethod
{
    None,
    Download,
    Upload,
    Plain,
}
