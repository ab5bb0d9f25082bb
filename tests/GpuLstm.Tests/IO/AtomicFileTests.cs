using GpuLstm.IO;

namespace GpuLstm.Tests.IO;

/// <summary>AtomicFile: leftovers of killed saves go with the next save of the same file, and a folder that cannot be made is named.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string TempName(string target) => $".{target}.{Guid.NewGuid():N}.tmp";

    [Fact]
    public void NextSaveRemovesTempFilesOfEarlierSavesOfThatFileOnly()
    {
        string[] stale = [TempName("model.safetensors"), TempName("model.safetensors")];
        string otherTarget = TempName("other.safetensors");
        const string NotOurs = ".model.safetensors.notes.tmp";
        foreach (string name in (string[])[.. stale, otherTarget, NotOurs])
            File.WriteAllBytes(_dir.File(name), new byte[100]);

        AtomicFile.WriteAllText(_dir.File("model.safetensors"), "new");

        Assert.Equal("new", File.ReadAllText(_dir.File("model.safetensors")));
        Assert.Equal([NotOurs, otherTarget, "model.safetensors"], _dir.Entries()); // sorted ordinally
    }

    [Fact]
    public void ATempFileHeldOpenBySaveInProgressIsKept()
    {
        string busy = _dir.File(TempName("model.safetensors"));
        using (var held = new FileStream(busy, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            AtomicFile.WriteAllText(_dir.File("model.safetensors"), "new");
            Assert.True(File.Exists(busy)); // another save's file, still being written
        }
        AtomicFile.WriteAllText(_dir.File("model.safetensors"), "newer");
        Assert.False(File.Exists(busy)); // once closed and left behind, it is stale
    }

    [Fact]
    public void AFolderThatCannotBeMadeIsNamedNotTheTempFile()
    {
        File.WriteAllText(_dir.File("plain-file"), "x");
        string target = Path.Combine(_dir.File("plain-file"), "sub", "model.safetensors");

        var e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(target, "x"));

        Assert.Contains($"Cannot save '{target}': its folder '{Path.GetDirectoryName(target)}'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);
    }
}
