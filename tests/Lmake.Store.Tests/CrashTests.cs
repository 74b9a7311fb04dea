// The kill test: a writer process inserting names is killed with SIGKILL at random instants, many times
// over the same files; after each kill the files must reopen with every committed insert whole.
using System.Diagnostics;
using Lmake.Store.CrashWriter;

namespace Lmake.Store.Tests;

public class CrashTests
{
    private const int Stores = 4, KillsPerStore = 12;

    private static Process StartWriter(string dir)
    {
        string writer = Path.Combine(AppContext.BaseDirectory, "Lmake.Store.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add(dir);
        return Process.Start(start)!;
    }

    private static void CheckSurvivors(string dir, uint previousCount, bool writable)
    {
        using var names = PrefixTree.Open(Path.Combine(dir, "names"), writable);
        using var records = Vector<CrashRecord>.Open(Path.Combine(dir, "records"), writable);
        uint count = names.Count;
        Assert.True(count >= previousCount, $"names went from {previousCount} to {count}");
        // The writer appends a name's record after the name: a kill in between leaves one missing.
        Assert.InRange(records.Count, count == 0 ? 0 : count - 1, count);
        foreach (uint id in Sample(records.Count))
        {
            Assert.Equal(id, records[id].Id);
            Assert.Equal(CrashSequence.Check(id), records[id].Check);
        }
        // A reader cannot finish an interrupted insert's index update: it may miss the last name only.
        uint checkedNames = writable || count == 0 ? count : count - 1;
        foreach (uint id in Sample(checkedNames))
        {
            string name = CrashSequence.Name(id);
            Assert.True(names.TryGet(name, out uint found), $"name {id} ({name}) lost");
            Assert.Equal(id, found);
            Assert.Equal(name, names.NameOf(id));
        }
        for (uint id = count + 1; id <= count + 5; id++)
            Assert.False(names.TryGet(CrashSequence.Name(id), out _), $"name {id} present though never committed");
    }

    // Every one of the last 3000 ids (where a kill lands) and 3000 spread over the rest.
    private static IEnumerable<uint> Sample(uint count)
    {
        uint recent = count > 3000 ? count - 3000 : 0, step = Math.Max(1, recent / 3000);
        for (uint id = 1; id <= recent; id += step) yield return id;
        for (uint id = recent + 1; id <= count; id++) yield return id;
    }

    [Fact]
    public void KilledWritersLeaveFilesThatReopenConsistent()
    {
        var random = new Random(2026);
        int kills = 0, killedWhileWriting = 0;
        // Several fresh stores, each killed many times, so none grows to where index rebuilds dominate.
        for (int store = 0; store < Stores; store++)
        {
            using var dir = new StoreDir();
            uint count = 0;
            for (int kill = 0; kill < KillsPerStore; kill++, kills++)
            {
                using var writer = StartWriter(dir.Path);
                string? ready = writer.StandardOutput.ReadLine(); // the writer has opened the store
                if (ready == null || !ready.StartsWith("ready"))
                {
                    writer.Kill();
                    Assert.Fail($"the writer did not start: {ready} {writer.StandardError.ReadToEnd()}");
                }
                // Mostly early in the writer's inserts; now and then long enough to get through an index
                // rebuild (the writer rebuilds the index aside when it grows).
                Thread.Sleep(random.Next(5) == 0 ? random.Next(150, 600) : random.Next(2, 100));
                writer.Kill(); // SIGKILL
                writer.WaitForExit();
                Assert.NotEqual(3, writer.ExitCode);

                CheckSurvivors(dir.Path, count, writable: false);
                uint before = count;
                using (var names = PrefixTree.Open(dir["names"], writable: false)) count = names.Count;
                if (count > before) killedWhileWriting++;
                CheckSurvivors(dir.Path, count, writable: true); // the writer's open finishes an interrupted insert
            }
            Assert.True(count > 1000, $"only {count} names written in {KillsPerStore} runs");
        }
        Assert.True(killedWhileWriting >= kills / 2, $"only {killedWhileWriting} of {kills} kills landed while writing");
    }
}
