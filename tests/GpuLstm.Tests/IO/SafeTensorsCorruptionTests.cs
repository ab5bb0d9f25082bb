using System.Buffers.Binary;
using System.Text;
using GpuLstm.IO;

namespace GpuLstm.Tests.IO;

/// <summary>Every malformed file is an <see cref="InvalidDataException"/> naming the file and the problem.</summary>
public sealed class SafeTensorsCorruptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";

    private string WriteBytes(byte[] bytes)
    {
        string path = _dir.File("broken.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Build(string headerJson, int dataBytes, ulong? claimedHeaderLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private void AssertRejected(byte[] bytes, params string[] fragments)
    {
        string path = WriteBytes(bytes);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("broken.safetensors", e.Message);
        foreach (string f in fragments)
            Assert.Contains(f, e.Message);
    }

    [Fact]
    public void TheGoodBaseline_Reads() => Assert.Equal(2, SafeTensorsFile.Read(WriteBytes(Build(Good, 12))).Tensors.Count);

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void FileShorterThanEightBytes(int length) => AssertRejected(new byte[length], "shorter than the 8-byte");

    [Fact]
    public void HeaderLengthLargerThanFile() => AssertRejected(Build(Good, 12, claimedHeaderLength: 500), "header length 500", "larger than");

    [Fact]
    public void HeaderLengthAbsurd() => AssertRejected(Build(Good, 12, claimedHeaderLength: 200_000_000), "200000000", "exceeds");

    [Fact]
    public void HeaderLengthWithTopBitSet() => AssertRejected(Build(Good, 12, claimedHeaderLength: ulong.MaxValue), "exceeds");

    [Fact]
    public void TruncatedDataSection() => AssertRejected(Build(Good, 10), "truncated", "'b'");

    [Fact]
    public void TrailingBytesAfterLastTensor() => AssertRejected(Build(Good, 16), "4 trailing bytes");

    [Fact]
    public void TruncatedInsideHeader()
    {
        byte[] full = Build(Good, 12);
        AssertRejected(full[..20], "larger than");
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\"", 0, "not valid JSON")]
    [InlineData("not json at all", 0, "not valid JSON")]
    [InlineData("[1,2,3]", 0, "must be a JSON object")]
    [InlineData("{\"a\":[1,2]}", 0, "'a': entry must be an object")]
    [InlineData("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "'a': missing or non-string 'dtype'")]
    [InlineData("{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "'a': missing or non-string 'dtype'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "'a': missing or non-array 'shape'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "shape entry 0 (-1)")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, "shape entry 0 (1.5)")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4, "shape entry 0")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "'a': missing 'data_offsets'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4, "'a': missing 'data_offsets'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4, "data offset -4")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 4, "end before they begin")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "span 4 bytes", "needs 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,4]}}", 4, "more elements than")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "'a' appears more than once")]
    [InlineData("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "empty name")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "'b'", "overlaps tensor 'a'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "'b'", "gap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "'a'", "gap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[1000,1004]}}", 4, "'a'", "gap")]
    [InlineData("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "'a'", "dtype 'I64'", "F32, F64, F16, BF16")]
    [InlineData("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "'a'", "dtype 'Q4'")]
    [InlineData("{\"__metadata__\":[\"x\"]}", 0, "'__metadata__' must be an object of strings")]
    [InlineData("{\"__metadata__\":{\"epochs\":3}}", 0, "'__metadata__' entry 'epochs' must be a string")]
    [InlineData("{\"__metadata__\":{},\"__metadata__\":{}}", 0, "more than one '__metadata__'")]
    public void MalformedHeader(string json, int dataBytes, params string[] fragments) => AssertRejected(Build(json, dataBytes), fragments);

    [Fact]
    public void InvalidUtf8InHeader()
    {
        byte[] bytes = Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        bytes[10] = 0xFF; // the tensor name "a" becomes a byte that is never valid UTF-8
        AssertRejected(bytes, "not valid UTF-8");
    }

    [Fact]
    public void HeaderPaddedWithSpaces_AndNullMetadata_AreAccepted()
    {
        var content = SafeTensorsFile.Read(WriteBytes(Build("  {\"__metadata__\":null,\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}      ", 4)));
        Assert.Equal(["a"], content.Names);
        Assert.Empty(content.Metadata);
    }
}
