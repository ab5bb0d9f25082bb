using System.Security.Cryptography;
using System.Text;

namespace GpuLstm.Datasets;

/// <summary>
/// SHA-256 checks for downloaded data sets: of single files, and of whole folders through a
/// manifest, so a folder of thousands of files needs one pinned hash instead of thousands.
/// </summary>
public static class DatasetDigest
{
    /// <summary>Lower-case hex SHA-256 of a file's bytes.</summary>
    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The manifest of the files directly in <paramref name="folder"/> whose names end in
    /// <paramref name="extension"/>: one line <c>"{sha256}  {name}\n"</c> per file in ordinal name
    /// order, the same text as <c>LC_ALL=C ls *.ext | xargs sha256sum</c> prints.
    /// </summary>
    public static string Manifest(string folder, string extension, out int fileCount, out long bytes)
    {
        var files = Directory.GetFiles(folder)
            .Where(f => f.EndsWith(extension, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        // Thousands of small files: hashing them in parallel hides the per-file open cost.
        var hashes = files.AsParallel().AsOrdered().Select(FileSha256).ToArray();
        var text = new StringBuilder(files.Length * 100);
        bytes = 0;
        for (int i = 0; i < files.Length; i++)
        {
            text.Append(hashes[i]).Append("  ").Append(Path.GetFileName(files[i])).Append('\n');
            bytes += new FileInfo(files[i]).Length;
        }
        fileCount = files.Length;
        return text.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of a manifest's UTF-8 text.</summary>
    public static string ManifestSha256(string manifest) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest)));

    /// <summary>
    /// Checks every member of <paramref name="entry"/> in <paramref name="directory"/>. Returns one
    /// line per problem (missing file, wrong file count, hash mismatch with expected and actual
    /// hashes); empty when everything matches.
    /// </summary>
    public static IReadOnlyList<string> Verify(DatasetEntry entry, string directory)
    {
        var problems = new List<string>();
        foreach (var member in entry.Members)
        {
            string path = Path.Combine(directory, member.Folder.Replace('/', Path.DirectorySeparatorChar));
            if (!member.IsPattern)
            {
                if (!File.Exists(path))
                    problems.Add($"{member.Path} is missing");
                else if (FileSha256(path) is var actual && actual != member.Sha256)
                    problems.Add($"{member.Path} has SHA-256 {actual}, expected {member.Sha256}");
                continue;
            }
            if (!Directory.Exists(path))
            {
                problems.Add($"{member.Folder}/ is missing");
                continue;
            }
            string manifest = Manifest(path, member.Extension, out int count, out _);
            if (count != member.FileCount)
                problems.Add($"{member.Path} has {count} files, expected {member.FileCount}");
            else if (ManifestSha256(manifest) is var actual && actual != member.Sha256)
                problems.Add($"{member.Path} has manifest SHA-256 {actual}, expected {member.Sha256}");
        }
        return problems;
    }
}
