// The text of a resource amount, as open-lmake writes it in lmake.config.backends and in a rule's
// `resources`: a count ('2'), or for the sizes mem and tmp a number of MB or a size with a unit ('512M', '4G').
using System.Globalization;

namespace Lmake.Server.Rules;

public static class ResourceAmount
{
    /// <summary>mem and tmp are sizes in MB; every other resource (cpu, gpu, licences...) is a plain count.</summary>
    public static bool IsSize(string resource) => resource is "mem" or "tmp";

    /// <summary>The amount, in MB for a size: "4G" is 4096, "512k" is 0.5 rounded up to 1, "100" is 100.
    /// A count takes no unit. null when the text is no such amount (negative, not a number, unknown unit).</summary>
    public static long? Parse(string resource, string text)
    {
        text = text.Trim();
        if (text.Length == 0) return null;
        long scale = 1, divide = 1;
        char unit = char.ToUpperInvariant(text[^1]);
        if (IsSize(resource) && unit is 'K' or 'M' or 'G' or 'T')
        {
            (scale, divide) = unit switch { 'K' => (1L, 1024L), 'G' => (1024L, 1L), 'T' => (1024L * 1024, 1L), _ => (1L, 1L) };
            text = text[..^1].TrimEnd();
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            return n > long.MaxValue / scale ? null : (n * scale + divide - 1) / divide;
        // a number written as a float by python (str(2.0)) is accepted when it is whole
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && d * scale < long.MaxValue)
            return ((long)d * scale + divide - 1) / divide;
        return null;
    }
}
