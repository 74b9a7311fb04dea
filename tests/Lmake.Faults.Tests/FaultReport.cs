// How many rounds each fault case runs, and where its counts go: `make test` runs a few rounds a case
// (FAULT_ROUNDS unset); `make faults` sets FAULT_ROUNDS and FAULT_REPORT, and prints the report at the end.
using Xunit.Abstractions;

namespace Lmake.Faults.Tests;

public static class FaultReport
{
    /// <summary>Rounds of a case: $FAULT_ROUNDS, else <paramref name="short"/> (the form `make test` runs).</summary>
    public static int Rounds(int @short) =>
        int.TryParse(Environment.GetEnvironmentVariable("FAULT_ROUNDS"), out int n) && n > 0 ? n : @short;

    /// <summary>One line of counts for a case, in the test's output and appended to $FAULT_REPORT when set.</summary>
    public static void Write(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        string? report = Environment.GetEnvironmentVariable("FAULT_REPORT");
        if (string.IsNullOrEmpty(report)) return;
        lock (typeof(FaultReport)) File.AppendAllText(report, line + "\n");
    }
}
