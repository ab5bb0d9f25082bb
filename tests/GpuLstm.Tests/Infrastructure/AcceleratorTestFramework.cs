using GpuLstm.Device;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("GpuLstm.Tests.Infrastructure.AcceleratorTestFramework", "GpuLstm.Tests")]

namespace GpuLstm.Tests.Infrastructure;

/// <summary>
/// xunit's framework, except that test classes of an accelerator this machine lacks (trait
/// <see cref="Accelerators.Trait"/> = Cuda or OpenCL) are not discovered at all: instead of a skip
/// line per test, <see cref="AcceleratorCoverageTests"/> says once per kind why they did not run.
/// </summary>
public sealed class AcceleratorTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider source, IMessageSink sink)
        : XunitTestFrameworkDiscoverer(assembly, source, sink)
    {
        protected override bool FindTestsForType(ITestClass testClass, bool includeSourceInformation,
            IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (AcceleratorOf(testClass.Class) is { } kind && AcceleratorPresence.Missing(kind) is not null)
                return true; // the class's device is absent: nothing to discover, reported once elsewhere
            return base.FindTestsForType(testClass, includeSourceInformation, messageBus, discoveryOptions);
        }

        private static DeviceKind? AcceleratorOf(ITypeInfo type) =>
            type.GetCustomAttributes(typeof(TraitAttribute))
                .Select(a => a.GetConstructorArguments().ToArray())
                .Where(args => args.Length == 2 && Equals(args[0], Accelerators.Trait))
                .Select(args => Accelerators.OptionalKind((string)args[1]))
                .FirstOrDefault(k => k is not null);
    }
}
