// The lmake command line as the engine receives it: every option of spec A7 lands in LmakeOptions.
using Lmake.Common.Commands;

namespace Lmake.Transport.Tests;

public class LmakeCommandLineTests
{
    [Fact]
    public void DefaultsWhenOnlyTargetsAreGiven()
    {
        LmakeOptions o = LmakeCommandLine.Parse(["a", "sub/b"]);
        Assert.Equal(["a", "sub/b"], o.Targets);
        Assert.Null(o.Jobs);
        Assert.Equal(0, o.RetryOnError);
        Assert.Null(o.MaxRuns);
        Assert.Null(o.MaxSubmits);
        Assert.Equal(CacheMethod.Plain, o.CacheMethod);
        Assert.False(o.ForgetOldErrors || o.Archive || o.SourceOk || o.KeepTmp || o.LiveOut || o.Local ||
                     o.IgnoreIncremental || o.EssentialDepsOnly || o.NoDeps || o.Quiet || o.Verbose || o.FreshServer);
    }

    [Fact]
    public void EveryShortOptionIsUnderstood()
    {
        LmakeOptions o = LmakeCommandLine.Parse(
            ["-j", "3", "-e", "-r", "2", "-a", "-s", "-t", "-o", "-l", "-m", "4", "-M", "5", "-I", "-d", "-D", "-q", "-v", "-S",
             "-c", "download", "t"]);
        Assert.Equal(3, o.Jobs);
        Assert.Equal(2, o.RetryOnError);
        Assert.Equal(4, o.MaxRuns);
        Assert.Equal(5, o.MaxSubmits);
        Assert.Equal(CacheMethod.Download, o.CacheMethod);
        Assert.True(o.ForgetOldErrors && o.Archive && o.SourceOk && o.KeepTmp && o.LiveOut && o.Local &&
                    o.IgnoreIncremental && o.EssentialDepsOnly && o.NoDeps && o.Quiet && o.Verbose && o.FreshServer);
        Assert.Equal(["t"], o.Targets);
    }

    [Fact]
    public void AttachedValuesBundledFlagsAndLongForms()
    {
        LmakeOptions o = LmakeCommandLine.Parse(["-j4", "-ae", "--max-runs=7", "--cache-method", "none", "t"]);
        Assert.Equal(4, o.Jobs);
        Assert.True(o.Archive && o.ForgetOldErrors);
        Assert.Equal(7, o.MaxRuns);
        Assert.Equal(CacheMethod.None, o.CacheMethod);
    }

    [Fact]
    public void LmakeArgsComeFirstSoTypedOptionsWin()
    {
        string[] args = LmakeCommandLine.PrependEnvironmentArgs(["-j", "8", "t"], "  -j 2\t-k ");
        Assert.Equal(["-j", "2", "-k", "-j", "8", "t"], args);
        Assert.Equal(["t"], LmakeCommandLine.PrependEnvironmentArgs(["t"], null));
    }

    [Fact]
    public void LaterValueOfARepeatedOptionWins()
    {
        LmakeOptions o = LmakeCommandLine.Parse(LmakeCommandLine.PrependEnvironmentArgs(["-j", "8", "-c", "upload", "-q", "t", "u"], "-j 2 -c none -q"));
        Assert.Equal(8, o.Jobs);
        Assert.Equal(CacheMethod.Upload, o.CacheMethod);
        Assert.True(o.Quiet);
        Assert.Equal(["t", "u"], o.Targets);
    }

    [Fact]
    public void TargetsThatLookLikeOptionsNeedDoubleDash()
    {
        Assert.Equal("lmake: unknown option -weird", Assert.Throws<UsageException>(() => LmakeCommandLine.Parse(["-weird"])).Message);
        Assert.Equal(["-weird"], LmakeCommandLine.Parse(["--", "-weird"]).Targets);
    }

    [Fact]
    public void HelpIsAnsweredLocallyAndOtherArgsAreNot()
    {
        var w = new StringWriter();
        Assert.True(LmakeCommandLine.TryAnswerLocally(["-h"], w));
        Assert.Contains("--jobs", w.ToString());
        Assert.False(LmakeCommandLine.TryAnswerLocally(["-j", "2", "t"], new StringWriter()));
    }

    [Fact]
    public void BackendEteAndNiceAreParsedAndCheckedHere()
    {
        LmakeOptions o = LmakeCommandLine.Parse(["-b", "-p big --qos=q", "-E", "1h30m", "-N", "5", "--no-incremental", "t"]);
        Assert.Equal(["-p", "big", "--qos=q"], o.BackendArgs);
        Assert.Equal(TimeSpan.FromMinutes(90), o.Ete);
        Assert.Equal(5, o.Nice);
        Assert.True(o.IgnoreIncremental);
        LmakeOptions none = LmakeCommandLine.Parse(["t"]);
        Assert.Empty(none.BackendArgs);
        Assert.Null(none.Ete);
        Assert.Null(none.Nice);
        Assert.Contains("--ete", Assert.Throws<UsageException>(() => LmakeCommandLine.Parse(["-E", "soon", "t"])).Message);
        Assert.Contains("--nice", Assert.Throws<UsageException>(() => LmakeCommandLine.Parse(["-N", "21", "t"])).Message);
        Assert.Contains("--nice", Assert.Throws<UsageException>(() => LmakeCommandLine.Parse(["-N", "-1", "t"])).Message);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("1.5m", 90)]
    [InlineData("1d2h", 93600)]
    [InlineData("2h30m", 9000)]
    public void TimesAreWrittenAsJobTimesAre(string text, double seconds)
    {
        Assert.True(DurationText.TryParse(text, out TimeSpan t));
        Assert.Equal(seconds, t.TotalSeconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("h")]
    [InlineData("5x")]
    public void ATimeWithoutUnitOrNumberIsRefused(string text) => Assert.False(DurationText.TryParse(text, out _));
}
