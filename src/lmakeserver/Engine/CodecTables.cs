// The codec tables as the server serves them to jobs (lencode/ldecode) and sees them as deps (CodecNames). A table
// file is read once into memory ("expanded") and read again only when its content changes; one that is not in its
// canonical form is rewritten in it first (`reformat`). A new association is appended to the file at once (another
// reader sees it), and at the end of the request the file is rewritten canonical (`update`). lmake's own writes to
// the file are taken in silently: only a change by someone else makes it `changed`. A table dir is shared with
// other repos and is read on disk each time (CodecDir): it has no status lines. Used on the engine thread only.
using System.Text;
using Lmake.Autodep;
using Lmake.Common.Checksums;

namespace Lmake.Server.Engine;

public sealed class CodecTables(Graph graph)
{
    private sealed class FileTable
    {
        public CodecEntries Entries = new();
        /// <summary>(context, value checksum in base 64) -> code: what encode entries are named by.</summary>
        public Dictionary<(string, string), string> CodesBySum = [];
        public FileChecksum LoadedFrom = FileChecksum.None;
        /// <summary>The file's length when lmake last read or wrote it: another length means another writer appended.</summary>
        public long Length;
        public bool Loaded, Updated;
    }

    private readonly Dictionary<string, FileTable> _files = new(StringComparer.Ordinal);

    public string Absolute(string table) => Path.IsPathRooted(table) ? table : Path.Combine(graph.RepoRoot, table);

    /// <summary>Is the table a dir (else a file)? Looked at once a request: a no-op build asks it for every association.</summary>
    public bool IsDir(string table)
    {
        if (_kinds.TryGetValue(table, out var known) && known.Epoch == graph.Epoch) return known.IsDir;
        bool isDir = Directory.Exists(Absolute(table));
        _kinds[table] = (graph.Epoch, isDir);
        return isDir;
    }
    private readonly Dictionary<string, (int Epoch, bool IsDir)> _kinds = new(StringComparer.Ordinal);

    /// <summary>Reads the table file again if it changed since it was last read (its node made first by the caller),
    /// saying `reformat` when it was not canonical (it is rewritten), `expand` when lmake had not read it as it is.
    /// <paramref name="req"/> null: silently (a checksum asked outside any making).</summary>
    public void Sync(string table, MakeRequest? req)
    {
        if (IsDir(table)) return;
        FileTable t = Table(table);
        Node file = graph.Node(table);
        FileChecksum now = Content(file);
        if (t.Loaded && t.LoadedFrom == now) return;
        CodecEntries entries;
        bool canonical;
        Node state = graph.Node(CodecNames.State(table));
        try
        {
            entries = CodecFile.Load(Absolute(table), out canonical);
            if (!canonical)
            {
                CodecFile.Rewrite(Absolute(table), entries);
                now = TakeInOwnWrite(file);
                req?.Status("reformat", "src", null, table);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // (an unreadable table is one line; its associations are then absent: the jobs that use it fail saying why)
            req?.Status("bad_codec", "src", null, table);
            req?.Note(e.Message);
            entries = new CodecEntries();
            canonical = false;
        }
        if (canonical && now.IsFile && (!state.Known || state.Checksum != now)) req?.Status("expand", "src", null, table);
        Remember(state, now);
        t.Entries = entries;
        t.CodesBySum = entries.All.ToDictionary(e => (e.Context, CodecCodes.Base64(e.Value)), e => e.Code);
        t.LoadedFrom = now;
        t.Length = CodecFile.LengthOf(Absolute(table));
        t.Loaded = true;
        t.Updated = false;
    }

    /// <summary>lencode: the code (the association made when new) and the association's node name.</summary>
    public (string Code, string Entry) Encode(string table, string context, string value, int minLen)
    {
        string entry = CodecNames.Encode(table, context, value);
        string code;
        if (IsDir(table)) code = CodecDir.Encode(Absolute(table), context, value, minLen);
        else
        {
            FileTable t = Table(table);
            if (!t.Loaded) Sync(table, null);
            bool tookIn = false, added = false;
            code = t.Entries.Encode(context, value) ?? CodecFile.EncodeShared(Absolute(table), t.Entries, context, value, minLen, ref t.Length, out tookIn, out added);
            if (tookIn) t.CodesBySum = t.Entries.All.ToDictionary(e => (e.Context, CodecCodes.Base64(e.Value)), e => e.Code);
            else if (added) t.CodesBySum[(context, CodecCodes.Base64(value))] = code;
            if (added || tookIn)
            {
                t.LoadedFrom = TakeInOwnWrite(graph.Node(table));
                Remember(graph.Node(CodecNames.State(table)), t.LoadedFrom);
                t.Updated = true;
                Graph.Invalidate(graph.Node(CodecNames.Decode(table, context, code)));
            }
        }
        Graph.Invalidate(graph.Node(entry));
        return (code, entry);
    }

    /// <summary>ldecode: the value (null: no such code) and the association's node name.</summary>
    public (string? Value, string Entry) Decode(string table, string context, string code)
    {
        string entry = CodecNames.Decode(table, context, code);
        string? value;
        if (IsDir(table)) value = CodecDir.Decode(Absolute(table), context, code);
        else
        {
            FileTable t = Table(table);
            if (!t.Loaded) Sync(table, null);
            value = t.Entries.Decode(context, code);
        }
        Graph.Invalidate(graph.Node(entry));
        return (value, entry);
    }

    /// <summary>What an association holds now, as the checksum of a file holding it (none: there is no such association).</summary>
    public FileChecksum EntryChecksum(string name)
    {
        if (!CodecNames.TryParse(name, out CodecEntryName e)) return FileChecksum.None;
        string? content;
        if (IsDir(e.Table))
        {
            string dir = Absolute(e.Table);
            if (e.Kind == CodecEntryKind.Decode) content = CodecDir.Decode(dir, e.Context, e.Key);
            else
            {
                content = CodecDir.CodeOfEncodeLink(CodecDir.EncodeName(dir, e.Context, e.Key));
                if (content != null && CodecDir.Decode(dir, e.Context, content) == null) content = null;
            }
        }
        else
        {
            FileTable t = Table(e.Table);
            if (!t.Loaded) Sync(e.Table, null);
            content = e.Kind == CodecEntryKind.Decode ? t.Entries.Decode(e.Context, e.Key) : t.CodesBySum.GetValueOrDefault((e.Context, e.Key));
        }
        if (content is null) return FileChecksum.None;
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        return new FileChecksum(FileKind.Regular, XxHash.Xxh3_64(bytes), bytes.Length == 0);
    }

    /// <summary>The end of a request: each table file that got new associations is written in canonical form (`update`).</summary>
    public void FlushUpdates(MakeRequest req)
    {
        foreach (var (table, t) in _files)
        {
            if (!t.Updated) continue;
            t.Updated = false;
            try { CodecFile.Rewrite(Absolute(table), t.Entries); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // (the associations were appended already: only their order waits for the next reading)
                req.Status("bad_codec", "src", null, table);
                req.Note(e.Message);
                continue;
            }
            t.Length = CodecFile.LengthOf(Absolute(table));
            t.LoadedFrom = TakeInOwnWrite(graph.Node(table));
            Remember(graph.Node(CodecNames.State(table)), t.LoadedFrom);
            req.Status("update", "src", null, table);
        }
    }

    private FileTable Table(string table)
    {
        if (!_files.TryGetValue(table, out FileTable? t)) _files[table] = t = new FileTable();
        return t;
    }

    /// <summary>lmake wrote the table file itself: its new content is what lmake knows of it, not a change.</summary>
    private FileChecksum TakeInOwnWrite(Node file)
    {
        Graph.Invalidate(file);
        _linked.Remove(file);
        return Content(file);
    }

    /// <summary>What the table file holds: a table reached through a symbolic link is what the link leads to (the
    /// link's own node says only where it points).</summary>
    private FileChecksum Content(Node file)
    {
        FileChecksum sum = graph.Refresh(file);
        if (sum.Kind != FileKind.Symlink) return sum;
        // (hashed once a request, as the engine looks at a file, unless lmake wrote it: TakeInOwnWrite)
        if (_linked.TryGetValue(file, out var seen) && seen.Epoch == graph.Epoch) return seen.Content;
        string path = Absolute(file.Name);
        FileChecksum content = FileChecksum.Of(new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path);
        _linked[file] = (graph.Epoch, content);
        return content;
    }
    private readonly Dictionary<Node, (int Epoch, FileChecksum Content)> _linked = [];

    private void Remember(Node state, FileChecksum read)
    {
        if (state.Known && state.Checksum == read) return;
        state.Checksum = read;
        state.Known = true;
        graph.Save(state);
    }
}
