// A minimal system image for chroot_dir tests: the given programs and the libraries they load (found with ldd),
// copied under a fresh dir, nothing else (no /etc, no /proc), so that what a job sees there is what lmake made.
namespace Lmake.EndToEnd.Tests;

public sealed class ChrootImage : TempDir
{
    public ChrootImage(params string[] programs) : base("lmake-image-")
    {
        foreach (string program in programs.Append("/bin/bash"))
        {
            CommandResult ldd = Installed.Run("ldd", [program], Path);
            IEnumerable<string> files = ldd.Stdout.Split('\n').SelectMany(l => l.Split(' ', '\t')).Where(w => w.StartsWith('/')).Append(program);
            foreach (string file in files)
            {
                string copy = Path + file;
                if (File.Exists(copy)) continue;
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
        }
    }
}
