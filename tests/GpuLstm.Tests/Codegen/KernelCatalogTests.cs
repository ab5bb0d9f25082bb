using GpuLstm.Codegen;
using GpuLstm.Tests.Codegen.Fixtures;

namespace GpuLstm.Tests.Codegen;

/// <summary>The discovery rule, checked on the fixture kernels of this assembly.</summary>
public sealed class KernelCatalogTests
{
    private static readonly KernelCatalog Catalog =
        KernelCatalog.FromAssembly(typeof(FixtureKernels).Assembly, typeof(FixtureKernels).Namespace!);

    [Fact]
    public void FindsPublicStaticVoidMethodsOfPublicStaticClasses_SortedAndUniquelyNamed()
    {
        Assert.Equal(["FixtureKernels.BlockSum", "FixtureKernels.Scale", "FixtureKernels.Scale_2"], Catalog.Names);
    }

    [Theory]
    [InlineData("FixtureKernels.Helper")]
    [InlineData("FixtureKernels.Generated")]
    [InlineData("FixtureKernels.Hidden")]
    [InlineData("NotAKernelClass.Looks")]
    [InlineData("InternalKernels.Looks")]
    [InlineData("BrokenFixtureKernels.FastTanh")]
    public void SkipsWhatIsNotAKernel(string name)
    {
        Assert.DoesNotContain(name, Catalog.Names);
        Assert.Throws<KeyNotFoundException>(() => Catalog.Get(name));
    }

    [Fact]
    public void TellsImplicitFromExplicitGrouping()
    {
        Assert.True(KernelCatalog.IsImplicitlyGrouped(Catalog.Get("FixtureKernels.Scale")));
        Assert.False(KernelCatalog.IsImplicitlyGrouped(Catalog.Get("FixtureKernels.BlockSum")));
    }

    [Fact]
    public void NameOfRoundTrips()
    {
        foreach (var name in Catalog.Names)
            Assert.Equal(name, Catalog.NameOf(Catalog.Get(name)));
    }
}
