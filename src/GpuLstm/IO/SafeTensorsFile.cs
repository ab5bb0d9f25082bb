namespace GpuLstm.IO;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw
/// little-endian data), compatible with Python's <c>safetensors</c> package.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>
    /// Writes <paramref name="tensors"/> as F32 in the given order. Atomic: the file is written to a
    /// temporary file in the same directory and moved over <paramref name="path"/> only when complete,
    /// so on failure an existing file is left as it was.
    /// </summary>
    /// <exception cref="ArgumentException">Duplicate or empty names, or data length not matching the shape.</exception>
    public static void Write(string path, IEnumerable<NamedTensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(path, tensors, metadata);

    /// <summary>
    /// Loads every tensor (F32, or F64/F16/BF16 converted to float) and the metadata. The whole file is
    /// validated and read before anything is returned.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed or holds a non-float dtype; the message names the file and the problem.</exception>
    public static SafeTensorsContent Read(string path) => SafeTensorsReader.Read(path);
}
