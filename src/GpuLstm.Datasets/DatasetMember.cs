namespace GpuLstm.Datasets;

/// <summary>
/// One file, or one folder of files, that a <see cref="DatasetEntry"/> takes from its npm tarball.
/// <see cref="Path"/> is relative to the entry's <see cref="DatasetEntry.PackageRoot"/> and is also
/// where the file lands in the cache, with '/' separators. A path of the form <c>dir/*.ext</c>
/// selects every file directly inside <c>dir</c> whose name ends in <c>.ext</c>.
/// </summary>
/// <param name="Path">A file path such as <c>data.txt</c>, or a folder pattern such as <c>spam-1/*.json</c>.</param>
/// <param name="Sha256">
/// Lower-case hex SHA-256 of the file. For a folder pattern it is the SHA-256 of the manifest
/// <see cref="DatasetDigest.Manifest"/> builds: one line <c>"{sha256}  {file name}\n"</c> per file, in
/// ordinal name order, which is what <c>cd dir &amp;&amp; LC_ALL=C ls *.ext | xargs sha256sum | sha256sum</c> hashes.
/// </param>
/// <param name="Bytes">Size of the file, or total size of the folder's selected files.</param>
/// <param name="FileCount">1 for a file; the number of files a folder pattern must select.</param>
public sealed record DatasetMember(string Path, string Sha256, long Bytes, int FileCount = 1)
{
    /// <summary>True when <see cref="Path"/> is a <c>dir/*.ext</c> pattern rather than one file.</summary>
    public bool IsPattern => Path.Contains("/*", StringComparison.Ordinal);

    /// <summary>For a pattern, the folder part (<c>spam-1</c>); for a file, its path.</summary>
    public string Folder => IsPattern ? Path[..Path.IndexOf("/*", StringComparison.Ordinal)] : Path;

    /// <summary>For a pattern, the required file-name ending (<c>.json</c>); empty for a file.</summary>
    public string Extension => IsPattern ? Path[(Path.IndexOf("/*", StringComparison.Ordinal) + 2)..] : "";

    /// <summary>
    /// True when <paramref name="relative"/> (a tarball path with the package root removed) belongs
    /// to this member. Pattern members match only direct children, so no nested path is ever written.
    /// </summary>
    public bool Matches(string relative)
    {
        if (!IsPattern)
            return relative == Path;
        string prefix = Folder + "/";
        if (!relative.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        string name = relative[prefix.Length..];
        return name.Length > Extension.Length && !name.Contains('/') && name != ".." &&
               name.EndsWith(Extension, StringComparison.Ordinal);
    }
}
