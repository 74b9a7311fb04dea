// The order in which a backend starts the jobs waiting for it (backends.md): the highest pressure first (the
// engine's JobPressure: time still needed through the job to reach the asked targets), then the first to come.
namespace Lmake.Server.Backends;

public sealed class PressureOrder : IComparer<(double Pressure, long Arrival)>
{
    public static readonly PressureOrder Instance = new();

    public int Compare((double Pressure, long Arrival) a, (double Pressure, long Arrival) b) =>
        a.Pressure != b.Pressure ? b.Pressure.CompareTo(a.Pressure) : a.Arrival.CompareTo(b.Arrival);
}
