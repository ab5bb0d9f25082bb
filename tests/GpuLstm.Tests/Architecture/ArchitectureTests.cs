using System.Reflection;
using GpuLstm.Models;
using NetArchTest.Rules;

namespace GpuLstm.Tests.Architecture;

/// <summary>
/// The engine depends on nothing above it: no datasets, plots, CLI, codegen or samples, no
/// console/command-line/plotting libraries, no process launching; ops know nothing of models.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Engine = typeof(Sequential).Assembly;
    private static readonly Assembly Kernels = typeof(GpuLstm.Kernels.KernelAssembly).Assembly;

    private static void AssertRule(ConditionList rule, string what)
    {
        var result = rule.GetResult();
        Assert.True(result.IsSuccessful, $"{what}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [InlineData("GpuLstm.Datasets")]
    [InlineData("GpuLstm.Plotting")]
    [InlineData("GpuLstm.Cli")]
    [InlineData("GpuLstm.Codegen")]
    [InlineData("GpuLstm.Samples")]
    [InlineData("ScottPlot")]
    [InlineData("SkiaSharp")]
    [InlineData("System.CommandLine")]
    [InlineData("Spectre")]
    [InlineData("System.Diagnostics.Process")]
    public void EngineDoesNotDependOn(string dependency) =>
        AssertRule(Types.InAssembly(Engine).ShouldNot().HaveDependencyOn(dependency), $"engine types using {dependency}");

    [Fact]
    public void EngineReferencesOnlyIlgpuItsKernelsAndTheRuntime()
    {
        var names = Engine.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var unexpected = names.Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib"
            || n.StartsWith("ILGPU", StringComparison.Ordinal) || n == "GpuLstm.Kernels")).ToList();
        Assert.True(unexpected.Count == 0, $"the engine references {string.Join(", ", unexpected)}");
    }

    [Fact]
    public void KernelsReferenceOnlyIlgpuAndTheRuntime()
    {
        var unexpected = Kernels.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n == "ILGPU")).ToList();
        Assert.True(unexpected.Count == 0, $"the kernels reference {string.Join(", ", unexpected)}");
    }

    [Theory]
    [InlineData("GpuLstm.Models")]
    [InlineData("GpuLstm.Layers")]
    [InlineData("GpuLstm.Optimizers")]
    public void OpsDoNotDependOnHigherLayers(string higher) =>
        AssertRule(Types.InAssembly(Engine).That().ResideInNamespace("GpuLstm.Ops").ShouldNot().HaveDependencyOn(higher),
            $"GpuLstm.Ops types using {higher}");

    [Theory]
    [InlineData("GpuLstm.Models")]
    [InlineData("GpuLstm.Layers")]
    [InlineData("GpuLstm.Optimizers")]
    [InlineData("GpuLstm.Losses")]
    public void TensorsAndTapeDoNotDependOnHigherLayers(string higher)
    {
        AssertRule(Types.InAssembly(Engine).That().ResideInNamespace("GpuLstm.Memory").ShouldNot().HaveDependencyOn(higher), $"GpuLstm.Memory types using {higher}");
        AssertRule(Types.InAssembly(Engine).That().ResideInNamespace("GpuLstm.Autograd").ShouldNot().HaveDependencyOn(higher), $"GpuLstm.Autograd types using {higher}");
    }

    /// <summary>
    /// The bottom layer in order: the backend (GpuLstm.Device: accelerators, kernels, GEMM engines)
    /// and tensors (GpuLstm.Memory, which the device pools) under the tape, the tape under the ops.
    /// </summary>
    [Theory]
    [InlineData("GpuLstm.Device", "GpuLstm.Ops")]
    [InlineData("GpuLstm.Device", "GpuLstm.Autograd")]
    [InlineData("GpuLstm.Memory", "GpuLstm.Ops")]
    [InlineData("GpuLstm.Memory", "GpuLstm.Autograd")]
    [InlineData("GpuLstm.Autograd", "GpuLstm.Ops")]
    public void BottomLayerHasNoCycles(string lower, string higher) =>
        AssertRule(Types.InAssembly(Engine).That().ResideInNamespace(lower).ShouldNot().HaveDependencyOn(higher),
            $"{lower} types using {higher}");

    /// <summary>Models reach the device through ops only: no model type launches a kernel itself.</summary>
    [Fact]
    public void ModelsLaunchNoKernels() =>
        AssertRule(Types.InAssembly(Engine).That().ResideInNamespace("GpuLstm.Models").ShouldNot().HaveDependencyOn("GpuLstm.Device.KernelSet"),
            "GpuLstm.Models types using KernelSet");

    /// <summary>The checker sees real dependencies: models do use ops, so this rule must fail.</summary>
    [Fact]
    public void TheCheckerDetectsADependencyThatExists() =>
        Assert.False(Types.InAssembly(Engine).That().ResideInNamespace("GpuLstm.Models").ShouldNot()
            .HaveDependencyOn("GpuLstm.Ops").GetResult().IsSuccessful);
}
