// Inserts CrashSequence names into DIR/names and appends their records to DIR/records, forever, until
// killed. Prints "ready N" once opened (N names already there). Exit 3: the store gave a wrong id.
using Lmake.Store;
using Lmake.Store.CrashWriter;

string dir = args[0];
using var names = PrefixTree.Open(Path.Combine(dir, "names"));
using var records = Vector<CrashRecord>.Open(Path.Combine(dir, "records"));
// A kill between the two appends leaves one record missing: add it back first.
while (records.Count < names.Count) records.Append(CrashSequence.Record(records.Count + 1));
Console.WriteLine($"ready {names.Count}");
Console.Out.Flush();
for (uint i = names.Count + 1; ; i++)
{
    uint id = names.Insert(CrashSequence.Name(i));
    if (id != i)
    {
        Console.Error.WriteLine($"insert {i} got id {id}");
        return 3;
    }
    records.Append(CrashSequence.Record(i));
}
