using System.Buffers.Binary;
using System.Text;
using GpuLstm.IO;

namespace GpuLstm.Tests.IO;

/// <summary>Round trips, atomic writes, dtype conversion and byte compatibility with the Python writer.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static NamedTensorData Tensor(string name, int[] shape, int seed)
    {
        long n = 1;
        foreach (int d in shape)
            n *= d;
        var rng = new Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++)
            data[i] = (float)(rng.NextDouble() * 4 - 2);
        return new NamedTensorData(name, shape, data);
    }

    private static void AssertSameTensors(IReadOnlyList<NamedTensorData> expected, IReadOnlyList<NamedTensorData> actual)
    {
        Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            // Bit patterns, so NaN payloads and -0 must survive too.
            Assert.Equal(expected[i].Data.Select(BitConverter.SingleToInt32Bits), actual[i].Data.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void RoundTrip_SeveralShapesAndMetadata()
    {
        var tensors = new List<NamedTensorData>
        {
            Tensor("lstm.weight_ih_l0", [20, 7], 1),
            Tensor("scalar", [], 2),
            Tensor("vector", [5], 3),
            Tensor("empty", [0, 4], 4),
            Tensor("cube", [2, 3, 4], 5),
            Tensor("ones", [1, 1, 1, 1], 6),
            new("special", [6], [float.NaN, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue]),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "quotes \" + back\\slash, ünïcode, <tags> & newline\n" };
        string path = _dir.File("model.safetensors");

        SafeTensorsFile.Write(path, tensors, metadata);
        var content = SafeTensorsFile.Read(path);

        AssertSameTensors(tensors, content.Tensors);
        Assert.Equal(metadata, content.Metadata);
        Assert.Equal([20, 7], content["lstm.weight_ih_l0"].Shape);
        Assert.True(content.Contains("cube"));
        Assert.False(content.TryGet("missing", out _));
        Assert.Contains("lstm.weight_ih_l0", Assert.Throws<KeyNotFoundException>(() => content["missing"]).Message);
        Assert.Equal(["model.safetensors"], _dir.Entries());
    }

    [Fact]
    public void Write_PadsHeaderToEightBytesAndLaysTensorsOutContiguously()
    {
        string path = _dir.File("layout.safetensors");
        SafeTensorsFile.Write(path, [Tensor("a", [3], 1), Tensor("bb", [2, 2], 2)]);

        byte[] bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},\"bb\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[12,28]}}",
            header.TrimEnd(' '));
        Assert.Equal(8 + (long)n + 28, bytes.Length);
    }

    [Fact]
    public void RoundTrip_NoTensorsNoMetadata()
    {
        string path = _dir.File("empty.safetensors");
        SafeTensorsFile.Write(path, []);
        var content = SafeTensorsFile.Read(path);
        Assert.Empty(content.Tensors);
        Assert.Empty(content.Metadata);
    }

    [Fact]
    public void Write_OverwritesAnExistingFile()
    {
        string path = _dir.File("w.safetensors");
        SafeTensorsFile.Write(path, [Tensor("old", [100], 1)]);
        var fresh = new List<NamedTensorData> { Tensor("new", [2], 2) };
        SafeTensorsFile.Write(path, fresh);
        AssertSameTensors(fresh, SafeTensorsFile.Read(path).Tensors);
        Assert.Equal(["w.safetensors"], _dir.Entries());
    }

    public static TheoryData<string, string> BadWrites => new()
    {
        { "duplicate", "appears more than once" },
        { "length", "data values" },
        { "emptyName", "empty name" },
        { "reserved", "__metadata__" },
        { "throwingEnumerable", "enumeration failed" },
    };

    private static IEnumerable<NamedTensorData> BadInput(string kind)
    {
        yield return Tensor("first", [4, 4], 1);
        switch (kind)
        {
            case "duplicate": yield return Tensor("first", [2], 2); break;
            case "length": yield return new NamedTensorData("second", [2, 3], new float[5]); break;
            case "emptyName": yield return Tensor("", [2], 2); break;
            case "reserved": yield return Tensor("__metadata__", [2], 2); break;
            default: throw new InvalidOperationException("enumeration failed");
        }
    }

    [Theory]
    [MemberData(nameof(BadWrites))]
    public void FailedWrite_LeavesPreviousFileByteIdentical_AndNoTempFiles(string kind, string messageFragment)
    {
        string path = _dir.File("keep.safetensors");
        SafeTensorsFile.Write(path, [Tensor("original", [3, 5], 7)], new Dictionary<string, string> { ["v"] = "1" });
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.ThrowsAny<Exception>(() => SafeTensorsFile.Write(path, BadInput(kind)));

        Assert.Contains(messageFragment, e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.safetensors"], _dir.Entries());
    }

    [Fact]
    public void FailedMove_DeletesTempFile()
    {
        // A directory at the target path makes the final move fail after the temp file is complete.
        string target = _dir.File("occupied");
        Directory.CreateDirectory(target);

        Assert.ThrowsAny<IOException>(() => SafeTensorsFile.Write(target, [Tensor("t", [8], 1)]));

        Assert.Equal(["occupied"], _dir.Entries());
    }

    private string WriteRaw(string name, string headerJson, byte[] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Read_ConvertsF64F16AndBf16()
    {
        double[] f64 = [1.5, -2.25, 1e-3, Math.PI, 1e300];
        var f64Bytes = new byte[8 * f64.Length];
        for (int i = 0; i < f64.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(f64Bytes.AsSpan(8 * i), f64[i]);
        // IEEE half bit patterns: 1, -2.5, 65504 (max), 2^-14 (min normal), 2^-24 (min subnormal), -inf.
        ushort[] f16 = [0x3C00, 0xC100, 0x7BFF, 0x0400, 0x0001, 0xFC00];
        // bfloat16 is the top 16 bits of a float: 1, -3, 0.15625.
        ushort[] bf16 = [0x3F80, 0xC040, 0x3E20];
        var halfBytes = new byte[2 * (f16.Length + bf16.Length)];
        for (int i = 0; i < f16.Length + bf16.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(halfBytes.AsSpan(2 * i), i < f16.Length ? f16[i] : bf16[i - f16.Length]);
        string path = WriteRaw("mixed.safetensors",
            "{\"d\":{\"dtype\":\"F64\",\"shape\":[5],\"data_offsets\":[0,40]}," +
            "\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[40,52]}," +
            "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[52,58]}}  ",
            [.. f64Bytes, .. halfBytes]);

        var content = SafeTensorsFile.Read(path);

        Assert.Equal(["d", "h", "b"], content.Names);
        Assert.Equal(f64.Select(v => (float)v), content["d"].Data);
        Assert.Equal(float.PositiveInfinity, content["d"].Data[4]);
        Assert.Equal([2, 3], content["h"].Shape);
        Assert.Equal([1f, -2.5f, 65504f, MathF.Pow(2, -14), MathF.Pow(2, -24), float.NegativeInfinity], content["h"].Data);
        Assert.Equal([1f, -3f, 0.15625f], content["b"].Data);
    }

    [Fact]
    public void Read_RejectsIntegerDtype_NamingTensorAndDtype()
    {
        string path = WriteRaw("ints.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]}}",
            new byte[12]);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("ints.safetensors", e.Message);
        Assert.Contains("'num_batches_tracked'", e.Message);
        Assert.Contains("'I64'", e.Message);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Theory]
    [InlineData("pytorch_lstm_dense.safetensors")]
    [InlineData("pytorch_lstm_dense_io.safetensors")]
    [InlineData("pytorch_bilstm.safetensors")]
    [InlineData("pytorch_bilstm_io.safetensors")]
    [InlineData("pytorch_lstm_grads.safetensors")]
    public void PythonWrittenFile_ReadsAndRewritesByteIdentically(string name)
    {
        string source = Fixture(name);
        var content = SafeTensorsFile.Read(source);
        Assert.NotEmpty(content.Tensors);
        Assert.Equal("make_pytorch_reference.py", content.Metadata["generator"]);

        string copy = _dir.File(name);
        SafeTensorsFile.Write(copy, content.Tensors, content.Metadata);

        // Same header bytes, padding and data layout as the Python (reference-layout) writer.
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(copy));
    }
}
