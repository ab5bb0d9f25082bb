namespace GpuLstm.IO;

/// <summary>One tensor's header entry; offsets are relative to the start of the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
