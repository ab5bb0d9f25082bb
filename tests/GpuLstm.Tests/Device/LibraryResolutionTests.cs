using GpuLstm.Device;
using GpuLstm.Ops;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Devices;

/// <summary>Where GpuLstm looks for native libraries, and which device it takes unasked.</summary>
public sealed class LibraryResolutionTests
{
    [Fact]
    public void CudaDriverAndOpenClAreFoundByTheirVersionedNames()
    {
        Assert.Equal("libcuda.so.1", NativeLibraries.Candidates("cuda").First());
        Assert.Contains("/usr/local/nvidia/lib64/libcuda.so.1", NativeLibraries.Candidates("cuda"));
        Assert.Equal(["libOpenCL.so.1"], NativeLibraries.Candidates("OpenCL"));
        Assert.Empty(NativeLibraries.Candidates("nvml"));
    }

    [Fact]
    public void CuBlasInsideAPythonVirtualEnvironmentIsFoundAfterTheExplicitPath()
    {
        using var temp = new TempDirectory();
        string venv = Path.Combine(temp.Path, "torch-venv");
        string lib = Path.Combine(venv, "lib", "python3.12", "site-packages", "nvidia", "cu13", "lib");
        Directory.CreateDirectory(lib);
        Directory.CreateDirectory(Path.Combine(venv, "bin"));
        File.WriteAllText(Path.Combine(venv, "pyvenv.cfg"), "home = /usr/bin\n");
        File.WriteAllText(Path.Combine(lib, "libcublas.so.13"), "");
        File.WriteAllText(Path.Combine(lib, "libcublasLt.so.13"), "");
        var env = new Dictionary<string, string?>
        {
            ["PATH"] = $"/usr/bin:{Path.Combine(venv, "bin")}",
            ["HOME"] = temp.Path,
        };

        var candidates = CuBlasLibrary.Candidates(name => env.GetValueOrDefault(name)).ToList();

        Assert.Equal("libcublas.so.12", candidates[0]); // ILGPU.Algorithms' own name first
        int inVenv = candidates.IndexOf(Path.Combine(lib, "libcublas.so.13"));
        Assert.True(inVenv > 0, $"venv cuBLAS not among: {string.Join(", ", candidates.Take(12))}");
        Assert.True(candidates.IndexOf("libcublas.so.13") < inVenv, "the loader's own libcublas.so.13 comes before a venv's");
        Assert.DoesNotContain(candidates, c => c.Contains("cublasLt", StringComparison.Ordinal));
    }

    [Fact]
    public void AnExplicitCuBlasThatDoesNotLoadIsReportedNotReplaced()
    {
        var env = new Dictionary<string, string?> { ["GPULSTM_CUBLAS"] = "/nowhere/libcublas.so.99", ["PATH"] = "/usr/bin" };
        Assert.Equal(["/nowhere/libcublas.so.99"], CuBlasLibrary.Candidates(name => env.GetValueOrDefault(name)));
        var probe = CuBlasLibrary.Search(name => env.GetValueOrDefault(name));
        Assert.False(probe.Found);
        Assert.Contains("GPULSTM_CUBLAS=/nowhere/libcublas.so.99, which did not load", probe.NotFound);
    }

    [Fact]
    public void ActiveVirtualEnvironmentComesFirst()
    {
        var env = new Dictionary<string, string?> { ["VIRTUAL_ENV"] = "/work/venv", ["PATH"] = "/usr/bin" };
        Assert.Equal("/work/venv", CuBlasLibrary.PythonPrefixes(name => env.GetValueOrDefault(name)).First());
    }

    [Fact]
    public void OpenClCpuDevicesAreNeverChosenUnasked()
    {
        Assert.Null(DeviceSelector.AutomaticRank(DeviceKind.OpenCL, ProcessorType.Cpu));
        Assert.Null(DeviceSelector.AutomaticRank(DeviceKind.OpenCL, ProcessorType.Other));
        int cuda = DeviceSelector.AutomaticRank(DeviceKind.Cuda, ProcessorType.Gpu)!.Value;
        int openClGpu = DeviceSelector.AutomaticRank(DeviceKind.OpenCL, ProcessorType.Gpu)!.Value;
        int cpu = DeviceSelector.AutomaticRank(DeviceKind.Cpu, ProcessorType.Cpu)!.Value;
        Assert.True(cuda < openClGpu && openClGpu < cpu, $"ranks cuda {cuda}, opencl gpu {openClGpu}, cpu {cpu}");
    }

    [Fact]
    public void DevicesListTypeAndGemmEngine()
    {
        using var context = DeviceSelector.CreateContext();
        var cpu = Assert.Single(DeviceSelector.List(context), d => d.Kind == DeviceKind.Cpu);
        Assert.Equal(ProcessorType.Cpu, cpu.Type);
        Assert.Equal(OpenBlasGemmEngine.IsAvailable() ? "openblas" : "ilgpu", cpu.Gemm.Split(' ')[0]);
        var forced = DeviceSelector.List(context, new ComputeDeviceOptions { Gemm = GemmEngineKind.CuBlas }).First(d => d.Kind == DeviceKind.Cpu);
        Assert.StartsWith("error: GPULSTM_GEMM=cublas needs a cuda device", forced.Gemm);
    }
}
