using System.Globalization;
using GpuLstm.Device;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm bench --plan cuda|opencl</c>: the kernel launches per training step a GPU path issues, counted without
/// a GPU. The step runs through the same op code on a CPU device set up as a GPU is: the per-step, step-mode or persistent
/// recurrence (GPULSTM_RECURRENCE; auto is gemm there), a GEMM engine that reads transposed operands for free as
/// cuBLAS and GpuLstm's kernel do (so no U^T copy), no CPU-only fused recurrence. Launch counts depend on T and
/// the layers, not on B, I or H, so each shape runs at its own T with B = I = H = 4 (a test holds this against a
/// full-size count).
/// </summary>
public static class LaunchPlan
{
    public static readonly IReadOnlyList<string> Targets = ["cuda", "opencl"];

    public static int Run(TextWriter output, string target, IReadOnlyList<BenchShape> shapes)
    {
        var mode = RecurrenceModeChoice.FromEnvironment();
        using var device = ComputeDevice.Create(DeviceKind.Cpu, PlanOptions(mode));
        output.WriteLine($"Launch plan for {target} (counted on the CPU accelerator, set up as {target}): recurrence " +
            $"{(mode == RecurrenceMode.Auto ? "gemm (auto)" : RecurrenceModeChoice.Name(mode))}; GEMM calls count one launch each");
        output.WriteLine($"{"Shape",-20} {"launches/step",14}");
        foreach (var shape in shapes)
        {
            double launches = Count(device, shape);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape.Name,-20} {launches,14:F0}"));
        }
        return 0;
    }

    /// <summary>Launches per step of <paramref name="shape"/> at its T with B = I = H = 4.</summary>
    public static double Count(ComputeDevice device, BenchShape shape, bool shrink = true)
    {
        var counted = shrink ? shape with { Batch = 4, Inputs = 4, Hidden = 4 } : shape;
        return BenchCommand.Measure(device, counted, warmup: 1, steps: 2).LaunchesPerStep;
    }

    public static ComputeDeviceOptions PlanOptions(RecurrenceMode mode) => new()
    {
        Gemm = GemmEngineKind.Ilgpu, // TransposedBIsFree, as cuBLAS
        FuseCpuRecurrence = false,
        Recurrence = mode == RecurrenceMode.Auto ? RecurrenceMode.Gemm : mode,
    };
}
