using GpuLstm.Device;

namespace GpuLstm.Tests.Infrastructure;

/// <summary>
/// One line per optional accelerator: its per-accelerator test classes ran, or why they did not
/// (<see cref="AcceleratorTestFramework"/> leaves them undiscovered when the device is absent). The
/// status is part of the test's name so that even a minimal-verbosity run shows it.
/// </summary>
public sealed class AcceleratorCoverageTests
{
    public static TheoryData<DeviceKind, string> Status(DeviceKind kind)
    {
        int classes = ClassesOf(kind);
        string? missing = AcceleratorPresence.Missing(kind);
        string lower = kind.ToString().ToLowerInvariant();
        return new TheoryData<DeviceKind, string>
        {
            {
                kind, missing is null ? $"{classes} classes run"
                    : missing.StartsWith($"No {lower} device", StringComparison.Ordinal) ? $"{classes} classes not run: no {lower} device"
                    : $"{classes} classes not run: device unusable"
            },
        };
    }

    // The traits are on the methods (the class has none, so it is always discovered): a run filtered to
    // one accelerator (--filter Accelerator=OpenCL) still shows this line instead of matching nothing.
    [SkippableTheory]
    [MemberData(nameof(Status), DeviceKind.Cuda)]
    [Trait(Accelerators.Trait, Accelerators.Cuda)]
    public void CudaTestsRan(DeviceKind kind, string status) => Check(kind, status);

    [SkippableTheory]
    [MemberData(nameof(Status), DeviceKind.OpenCL)]
    [Trait(Accelerators.Trait, Accelerators.OpenCL)]
    public void OpenClTestsRan(DeviceKind kind, string status) => Check(kind, status);

    private static void Check(DeviceKind kind, string status)
    {
        Assert.True(ClassesOf(kind) > 0, $"no test class carries the trait {Accelerators.Trait}={kind}");
        string? missing = AcceleratorPresence.Missing(kind);
        Skip.If(missing is not null, $"{kind}: {status}. {missing}");
    }

    private static int ClassesOf(DeviceKind kind) =>
        typeof(AcceleratorCoverageTests).Assembly.GetTypes().Count(t => Accelerators.OptionalKind(TraitValue(t)) == kind);

    private static string TraitValue(Type t) =>
        t.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == Accelerators.Trait)
            .Select(a => (string?)a.ConstructorArguments[1].Value ?? "")
            .FirstOrDefault() ?? "";
}
