// Times written as lmake writes job times and as `lmake -E` takes them: numbers (a dot allowed), each followed by d
// (days), h (hours), m (minutes) or s (seconds), e.g. 2h30m, 1.5s, 1d2h.
using System.Globalization;

namespace Lmake.Common.Commands;

public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        double seconds = 0;
        int i = 0;
        if (text.Length == 0) return false;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start || i == text.Length) return false;   // a number, then its unit
            if (!double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n)) return false;
            double unit = text[i] switch { 'd' => 86400, 'h' => 3600, 'm' => 60, 's' => 1, _ => -1 };
            if (unit < 0) return false;
            seconds += n * unit;
            i++;
        }
        if (seconds > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
