using System.Globalization;
using System.Text;
using GpuLstm.Device.GridPlans;

namespace GpuLstm.Codegen;

/// <summary>
/// The persistent LSTM recurrence laid out on an H100/H200 (data sheet limits, Hopper's occupancy rule) for the
/// usual widths, with the registers ptxas gave the two grid kernels: groups, units per group, threads, shared memory
/// per group and how many groups stay resident, or why the persistent kernel cannot run (then step mode runs).
/// </summary>
public static class PersistentPlanTable
{
    public static readonly int[] Hidden = [128, 256, 512, 1024, 2048];
    public static readonly int[] Batches = [8, 64];

    /// <summary>The table; <paramref name="registers"/> null when ptxas was not there (then 64, said in the heading).</summary>
    public static string Format(int? registers)
    {
        int regs = registers ?? 64;
        var limits = GridLimits.H100;
        var sm = MultiprocessorModel.Hopper;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Persistent LSTM recurrence on {limits.Device}: {limits.Multiprocessors} SMs, {limits.MaxSharedBytesPerGroup / 1024} KB shared memory per group, " +
            $"{regs} registers per thread ({(registers is null ? "assumed: no ptxas" : "ptxas, the larger of the two FP32 grid kernels")})"));
        sb.AppendLine($"{"H",6} {"B",4} {"groups",7} {"units",6} {"threads",8} {"split",6} {"fwd KB",8} {"bwd KB",8} {"resident",9}");
        foreach (int hidden in Hidden)
            foreach (int batch in Batches)
            {
                var plan = RecurrenceGridPlanner.Persistent(batch, hidden, limits,
                    (size, bytes) => sm.ResidentGroups(size, regs, bytes) * limits.Multiprocessors, out string whyNot);
                sb.AppendLine(plan is null
                    ? string.Create(CultureInfo.InvariantCulture, $"{hidden,6} {batch,4}  step mode: {whyNot}")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{hidden,6} {batch,4} {plan.Groups,7} {plan.Units,6} {plan.GroupSize,8} {plan.SplitK,6} {plan.ForwardSharedBytes / 1024.0,8:F1} " +
                        $"{plan.BackwardSharedBytes / 1024.0,8:F1} {plan.ResidentGroups,9}"));
            }
        return sb.ToString();
    }
}
