// `xxhsum FILE...`: prints lmake's checksum of each file (see FileChecksum for the forms).
using System.CommandLine;
using Lmake.Common;
using Lmake.Common.Checksums;

namespace Lmake.JobCommands;

public static class XxhsumCommand
{
    public static int Run(string[] args)
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "files to checksum" };
        var root = new RootCommand(
            "Prints lmake's checksum of each FILE: none (missing), empty-R (empty file), <16 hex>-R (regular),\n" +
            "<16 hex>-X (executable), <16 hex>-L (symlink: hash of the link text), dir (a directory). The hash is XXH3-64 of the\n" +
            "content, the value `xxhsum -H3` prints. With one FILE only the checksum is printed; with several,\n" +
            "one `CHECKSUM  FILE` line each.");
        root.Arguments.Add(files);
        root.SetAction(parse =>
        {
            string[] names = parse.GetValue(files) ?? [];
            var output = new System.Text.StringBuilder();
            foreach (string name in names)
            {
                string sum = FileChecksum.Of(name).ToString();
                output.Append(names.Length == 1 ? sum : $"{sum}  {name}").Append('\n');
            }
            Console.Out.Write(output.ToString());
            return ExitCode.Ok;
        });
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors) Console.Error.WriteLine($"xxhsum: {e.Message}");
            return ExitCode.Usage;
        }
        return result.Invoke();
    }
}
