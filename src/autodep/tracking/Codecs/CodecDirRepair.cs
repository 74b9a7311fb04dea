// lcodec_repair's plan: what to do to make a codec table dir (layout: CodecDir) coherent again. The decode entries
// are the information; by default only whole associations are kept (a decode link to the store file of its
// value, and the encode link of that value naming it); with reconstruct, every readable decode entry (a link, or
// a regular file written by hand) is an association, one code kept per value (a hand-given code first, then the
// shorter, then the first in byte order), and the store and encode links are made for it. What is not understood
// is removed; LMAKE/ (the dir's own settings) is left alone.
namespace Lmake.Autodep;

/// <summary>One step of a repair: Remove a file (or an emptied folder), Write a store file, Link a name to a target.</summary>
public readonly record struct CodecRepairAction(CodecRepairKind Kind, string Path, string? Content = null)
{
    public override string ToString() => Kind switch
    {
        CodecRepairKind.Remove => $"rm {Path}",
        CodecRepairKind.Write => $"write {Path}",
        _ => $"ln -s {Content} {Path}",
    };
}

public enum CodecRepairKind { Remove, Write, Link }

public static class CodecDirRepair
{
    private sealed record Decoding(string Context, string Code, string Path, string Value, bool IsCoherentLink);

    /// <summary>The steps, in the order to do them (writes and links before removals of what they replace).</summary>
    public static List<CodecRepairAction> Plan(string dir, bool reconstruct)
    {
        var actions = new List<CodecRepairAction>();
        var decodings = new List<Decoding>();
        var encodeLinks = new Dictionary<string, string?>(StringComparer.Ordinal);   // path -> the code it names
        var keep = new HashSet<string>(StringComparer.Ordinal);                       // paths that stay as they are
        string tab = Path.Combine(dir, CodecDir.Tab), store = Path.Combine(dir, CodecDir.Store);
        var garbage = new List<string>();
        foreach (string path in FilesUnder(tab))
        {
            string rel = Path.GetRelativePath(tab, path);
            string context = Path.GetDirectoryName(rel) ?? "", file = Path.GetFileName(rel);
            if (CodecCodes.BadContext(context) != null || context.Length == 0) { garbage.Add(path); continue; }
            if (file.EndsWith(".decode", StringComparison.Ordinal) && CodecCodes.BadCode(file[..^7]) == null)
            {
                string? value;
                try { value = File.ReadAllText(path); }
                catch (IOException) { value = null; }
                catch (UnauthorizedAccessException) { value = null; }
                if (value is null) { garbage.Add(path); continue; }
                string? target = new FileInfo(path).LinkTarget;
                decodings.Add(new Decoding(context, file[..^7], path, value, target == CodecDir.StoreTarget(context, CodecCodes.Base64(value))));
            }
            else if (file.EndsWith(".encode", StringComparison.Ordinal)) encodeLinks[path] = CodecDir.CodeOfEncodeLink(path);
            else garbage.Add(path);
        }
        // the associations kept
        var kept = new Dictionary<(string, string), Decoding>();   // (context, value) -> its entry
        foreach (Decoding d in decodings.OrderBy(d => d.Path, StringComparer.Ordinal))
        {
            bool whole = d.IsCoherentLink && encodeLinks.TryGetValue(CodecDir.EncodeName(dir, d.Context, CodecCodes.Base64(d.Value)), out string? named) && named == d.Code;
            if (!reconstruct && !whole) { garbage.Add(d.Path); continue; }
            if (kept.TryGetValue((d.Context, d.Value), out Decoding? other))
            {
                if (!Preferred(d, other)) { garbage.Add(d.Path); continue; }
                garbage.Add(other.Path);
            }
            kept[(d.Context, d.Value)] = d;
        }
        var storeFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (Decoding d in kept.Values.OrderBy(d => d.Path, StringComparer.Ordinal))
        {
            string sum = CodecCodes.Base64(d.Value);
            string storeFile = CodecDir.StoreName(dir, sum);
            storeFiles.Add(storeFile);
            if (!StoreHolds(storeFile, d.Value)) actions.Add(new(CodecRepairKind.Write, storeFile, d.Value));
            if (!d.IsCoherentLink) actions.Add(new(CodecRepairKind.Link, d.Path, CodecDir.StoreTarget(d.Context, sum)));
            string encode = CodecDir.EncodeName(dir, d.Context, sum);
            keep.Add(encode);
            if (!encodeLinks.TryGetValue(encode, out string? code) || code != d.Code) actions.Add(new(CodecRepairKind.Link, encode, d.Code + ".decode"));
        }
        foreach (string path in encodeLinks.Keys) if (!keep.Contains(path)) garbage.Add(path);
        foreach (string path in FilesUnder(store)) if (!storeFiles.Contains(path)) garbage.Add(path);
        // what else is at the top: only LMAKE/, store/ and tab/ belong there
        if (Directory.Exists(dir))
            foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
                if (Path.GetFileName(entry) is not ("LMAKE" or CodecDir.Store or CodecDir.Tab)) garbage.Add(entry);
        garbage.Sort(StringComparer.Ordinal);
        var removed = new HashSet<string>();
        foreach (string p in garbage)
            if (removed.Add(p)) actions.Add(new CodecRepairAction(CodecRepairKind.Remove, p));
        return actions;
    }

    /// <summary>Does the plan's steps, then removes the folders of tab/ left empty.</summary>
    public static void Apply(string dir, IReadOnlyList<CodecRepairAction> actions)
    {
        // (what is made gets the rights the dir's owner chose, as an encoder's entries do)
        CodecDirSettings settings = CodecDirSettings.Of(dir);
        foreach (CodecRepairAction a in actions)
            switch (a.Kind)
            {
                case CodecRepairKind.Write:
                    settings.MakeDirs(Path.GetDirectoryName(a.Path)!);
                    CodecDir.WriteAtomically(a.Path, a.Content!, settings.FileMode);
                    break;
                case CodecRepairKind.Link:
                    settings.MakeDirs(Path.GetDirectoryName(a.Path)!);
                    CodecDir.ReplaceLink(a.Path, a.Content!);
                    break;
                default:
                    if (Directory.Exists(a.Path) && new FileInfo(a.Path).LinkTarget == null) Directory.Delete(a.Path, recursive: true);
                    else File.Delete(a.Path);
                    break;
            }
        RemoveEmptyDirs(Path.Combine(dir, CodecDir.Tab));
    }

    private static bool Preferred(Decoding d, Decoding other)
    {
        bool byHand = !CodecCodes.IsGenerated(d.Code, d.Value), otherByHand = !CodecCodes.IsGenerated(other.Code, other.Value);
        if (byHand != otherByHand) return byHand;
        if (d.Code.Length != other.Code.Length) return d.Code.Length < other.Code.Length;
        return string.CompareOrdinal(d.Code, other.Code) < 0;
    }

    private static bool StoreHolds(string path, string value)
    {
        try { return new FileInfo(path).LinkTarget == null && File.ReadAllText(path) == value; }
        catch (IOException) { return false; }
    }

    /// <summary>Every non-folder under dir (symbolic links included, never followed), none when there is no dir.</summary>
    private static IEnumerable<string> FilesUnder(string dir)
    {
        if (!Directory.Exists(dir)) return [];
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new DirectoryInfo(dir).EnumerateFileSystemInfos("*", options)
            .Where(i => i.LinkTarget != null || (i.Attributes & FileAttributes.Directory) == 0)
            .Select(i => i.FullName).ToList();
    }

    private static void RemoveEmptyDirs(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (string sub in Directory.EnumerateDirectories(dir)) RemoveEmptyDirs(sub);
        if (!Directory.EnumerateFileSystemEntries(dir).Any() && Path.GetFileName(dir) != CodecDir.Tab) Directory.Delete(dir);
    }
}
