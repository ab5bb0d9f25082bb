using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GpuLstm.IO;

/// <summary>The floating-point safetensors dtypes we load, all converted to float on read.</summary>
internal static class SafeTensorsDType
{
    public const string F32 = "F32";
    public const string Supported = "F32, F64, F16, BF16";

    /// <summary>Bytes per element, or 0 for a dtype we cannot load.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        "F16" or "BF16" => 2,
        _ => 0,
    };

    /// <summary>Converts little-endian elements of <paramref name="dtype"/> in <paramref name="src"/> into <paramref name="dst"/>.</summary>
    public static void Convert(string dtype, ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (dtype)
        {
            case "F32" when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(src).CopyTo(dst);
                break;
            case "F32":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case "F64":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]);
                break;
            case "BF16":
                // bfloat16 is the top half of a float32, so widening is a shift.
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16);
                break;
            default:
                throw new ArgumentException($"Unsupported dtype '{dtype}'.", nameof(dtype));
        }
    }

    /// <summary>Writes <paramref name="src"/> as little-endian F32.</summary>
    public static void WriteF32(ReadOnlySpan<float> src, Span<byte> dst)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(src).CopyTo(dst);
            return;
        }
        for (int i = 0; i < src.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], src[i]);
    }
}
