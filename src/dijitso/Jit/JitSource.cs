// The source (and header) of a signature, obtained only on a miss: from --source, from the --generate command
// (run through the shell; its stdout is the source), or from stdin.
using Dijitso.Build;

namespace Dijitso.Jit;

public sealed record JitSource(byte[] Source, byte[]? Header)
{
    public static JitSource Obtain(JitRequest request)
    {
        byte[] source;
        if (request.GenerateCommand != null)
        {
            var env = new Dictionary<string, string> { ["DIJITSO_SIGNATURE"] = request.Signature };
            ProcessOutput r = ProcessRunner.Run(["/bin/sh", "-c", request.GenerateCommand], passStderr: true, env: env);
            if (r.ExitCode != 0)
                throw new DijitsoError(DijitsoExit.BuildFailed,
                    $"dijitso: the generator of {request.Signature} failed (exit {r.ExitCode}): {request.GenerateCommand}");
            source = r.Stdout;
        }
        else if (request.SourceFile != null)
            source = ReadFile(request.SourceFile, "--source");
        else
        {
            var ms = new MemoryStream();
            using (Stream stdin = Console.OpenStandardInput()) stdin.CopyTo(ms);
            source = ms.ToArray();
        }
        if (source.Length == 0)
            throw new DijitsoError(DijitsoExit.BuildFailed, $"dijitso: the source of {request.Signature} is empty");
        byte[]? header = request.HeaderFile != null ? ReadFile(request.HeaderFile, "--header") : null;
        return new JitSource(source, header);
    }

    private static byte[] ReadFile(string path, string option)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DijitsoError(DijitsoExit.Usage, $"dijitso: {option} {path}: {e.Message}");
        }
    }
}
