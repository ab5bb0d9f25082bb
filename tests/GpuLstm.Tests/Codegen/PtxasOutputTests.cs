using GpuLstm.Codegen;

namespace GpuLstm.Tests.Codegen;

/// <summary>Parsing of <c>ptxas -v</c> output (no ptxas needed).</summary>
public sealed class PtxasOutputTests
{
    [Fact]
    public void ParsesRegistersSpillsAndSharedMemory()
    {
        const string Text = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Compiling entry function 'Kernel_1' for 'sm_90'
            ptxas info    : Function properties for Kernel_1
                16 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads
            ptxas info    : Used 40 registers, 8192 bytes smem, 380 bytes cmem[0]
            ptxas info    : Function properties for helper
                4 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
            """;
        var r = PtxasOutput.Parse(Text, exitCode: 0);

        Assert.True(r.Ok);
        Assert.Equal(PtxasOutput.OkVerdict, r.Verdict);
        Assert.Equal(40, r.Registers);
        Assert.Equal(12, r.SpillStoreBytes);
        Assert.Equal(16, r.SpillLoadBytes);
        Assert.Equal(28, r.SpillBytes);
        Assert.Equal(16, r.StackFrameBytes);
        Assert.Equal(8192, r.SharedMemoryBytes);
    }

    [Fact]
    public void NoSharedMemoryMeansZero()
    {
        var r = PtxasOutput.Parse("ptxas info    : Used 8 registers, 380 bytes cmem[0]\n", 0);
        Assert.Equal(8, r.Registers);
        Assert.Equal(0, r.SharedMemoryBytes);
    }

    [Fact]
    public void FailureCarriesTheErrorLines()
    {
        const string Text = """
            ptxas /tmp/k.ptx, line 42; error   : Unknown modifier '.ftz'
            ptxas fatal   : Ptx assembly aborted due to errors
            """;
        var r = PtxasOutput.Parse(Text, exitCode: 255);

        Assert.False(r.Ok);
        Assert.Contains("Unknown modifier '.ftz'", r.Verdict, StringComparison.Ordinal);
        Assert.Contains("ptxas fatal", r.Verdict, StringComparison.Ordinal);
        Assert.Null(r.Registers);
    }

    [Fact]
    public void FailureWithoutErrorLinesStillSaysWhy()
    {
        var r = PtxasOutput.Parse("something odd\n", exitCode: 3);
        Assert.False(r.Ok);
        Assert.Contains("code 3", r.Verdict, StringComparison.Ordinal);
    }
}
