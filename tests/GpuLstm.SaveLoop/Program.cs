using System.Globalization;
using GpuLstm.IO;

// Saves TARGET over and over with AtomicFile until killed, generations FIRST, FIRST+1, ...: each is
// SIZE bytes, the first 8 holding the generation and the rest the byte generation % 251, so a reader
// can tell a whole file from a torn one. Prints "saved" after the first save.
if (args.Length != 3 || !int.TryParse(args[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) || size < 9
    || !long.TryParse(args[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long first) || first < 1)
{
    Console.Error.WriteLine("usage: GpuLstm.SaveLoop TARGET SIZE FIRST (SIZE >= 9 bytes, FIRST >= 1)");
    return 2;
}
var bytes = new byte[size];
for (long generation = first; ; generation++)
{
    BitConverter.TryWriteBytes(bytes, generation);
    Array.Fill(bytes, (byte)(generation % 251), 8, size - 8);
    AtomicFile.WriteAllBytes(args[0], bytes);
    if (generation == first)
    {
        Console.WriteLine("saved");
        Console.Out.Flush();
    }
}
