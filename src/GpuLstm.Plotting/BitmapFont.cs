namespace GpuLstm.Plotting;

/// <summary>
/// A 5x7 pixel font for plot text, after the HD44780 LCD character ROM. Each glyph is a ulong
/// holding 7 row bytes, top row in the most significant byte. Bit 4 of a row is the leftmost
/// column. A character the font lacks is drawn as '?'.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    /// <summary>Horizontal advance per character in unscaled pixels (glyph plus one column of spacing).</summary>
    public const int Advance = GlyphWidth + 1;

    private const string Chars =
        " 0123456789" +
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
        "abcdefghijklmnopqrstuvwxyz" +
        ".,:;-+=_/\\%()[]<>'\"!?*#&|~^";

    private static readonly ulong[] Glyphs =
    [
        0x00000000000000,
        // 0-9
        0x0E11131519110E, 0x040C040404040E, 0x0E11010204081F, 0x1F02040201110E, 0x02060A121F0202, 0x1F101E0101110E,
        0x0608101E11110E, 0x1F010204080808, 0x0E11110E11110E, 0x0E11110F01020C,
        // A-Z
        0x0E1111111F1111, 0x1E11111E11111E, 0x0E11101010110E, 0x1C12111111121C, 0x1F10101E10101F, 0x1F10101E101010,
        0x0E11101711110F, 0x1111111F111111, 0x0E04040404040E, 0x0702020202120C, 0x11121418141211, 0x1010101010101F,
        0x111B1515111111, 0x11111915131111, 0x0E11111111110E, 0x1E11111E101010, 0x0E11111115120D, 0x1E11111E141211,
        0x0F10100E01011E, 0x1F040404040404, 0x1111111111110E, 0x11111111110A04, 0x1111111515150A, 0x11110A040A1111,
        0x1111110A040404, 0x1F01020408101F,
        // a-z
        0x00000E010F110F, 0x1010161911111E, 0x00000E1010110E, 0x01010D1311110F, 0x00000E111F100E, 0x0609081C080808,
        0x00000F110F010E, 0x10101619111111, 0x04000C0404040E, 0x0200060202120C, 0x10101214181412, 0x0C04040404040E,
        0x00001A15151111, 0x00001619111111, 0x00000E1111110E, 0x00001E111E1010, 0x00000D130F0101, 0x00001619101010,
        0x00000E100E011E, 0x08081C08080906, 0x0000111111130D, 0x00001111110A04, 0x0000111115150A, 0x0000110A040A11,
        0x000011110F010E, 0x00001F0204081F,
        // punctuation: . , : ; - + = _ / \ % ( ) [ ] < > ' " ! ? * # & | ~ ^
        0x00000000000C0C, 0x000000000C0408, 0x000C0C000C0C00, 0x000C0C000C0408, 0x0000001F000000, 0x0004041F040400,
        0x00001F001F0000, 0x0000000000001F, 0x00010204081000, 0x00100804020100, 0x18190204081303, 0x02040808080402,
        0x08040202020408, 0x0E08080808080E, 0x0E02020202020E, 0x02040810080402, 0x08040201020408, 0x0C040800000000,
        0x0A0A0000000000, 0x04040404040004, 0x0E110102040004, 0x0004150E150400, 0x0A0A1F0A1F0A0A, 0x0C12140815120D,
        0x04040404040404, 0x00000815020000, 0x040A1100000000,
    ];

    /// <summary>The packed glyph for <paramref name="c"/>, or the one for '?' when the font lacks it.</summary>
    public static ulong Glyph(char c)
    {
        int index = Chars.IndexOf(c);
        return Glyphs[index >= 0 ? index : Chars.IndexOf('?')];
    }

    /// <summary>Row <paramref name="row"/> (0 = top) of a packed glyph, as 5 bits with bit 4 leftmost.</summary>
    public static int Row(ulong glyph, int row) => (int)(glyph >> (8 * (GlyphHeight - 1 - row))) & 0x1F;

    /// <summary>True when the font has its own glyph for <paramref name="c"/>, so it is not drawn as '?'.</summary>
    public static bool Has(char c) => Chars.Contains(c);

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/>, without trailing spacing.</summary>
    public static int Measure(string text, int scale) =>
        text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;

    // The two lists are kept in step by hand; a test checks that their lengths agree.
    internal static int GlyphCount => Glyphs.Length;

    internal static int CharCount => Chars.Length;
}
