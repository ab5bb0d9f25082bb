using System.Text.Json;
using GpuLstm.Tests.Cli;

namespace GpuLstm.Tests.Distributed;

/// <summary>
/// `gpulstm train --distributed` as a real MPI job on this machine (MPICH, 2 ranks): it ends with the final
/// training loss of one process with the same epochs and seed, records world_size, verifies that the
/// ranks' weights are identical (the command fails otherwise); a rank that fails ends the whole job with
/// its message instead of a hang; without mpiexec the command says how to start it.
/// </summary>
public sealed class MpiTrainTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public void TwoRanksEndWithTheLossOfOneProcess()
    {
        string mpiexec = MpiJob.RequireMpich();
        string dir = Directory.CreateTempSubdirectory("gpulstm-mpi-").FullName;
        try
        {
            string[] train = ["train", "--epochs", "8", "--units", "16", "--quiet"];
            var job = MpiJob.Run([mpiexec, "-n", "2", .. MpiJob.Gpulstm([.. train, "--distributed", "--out", "m", "--json", "m.json"])], Bound, dir);
            Assert.False(job.TimedOut, "the 2-rank job hung:\n" + job.Output);
            Assert.True(job.ExitCode == 0, $"the 2-rank job failed ({job.ExitCode}):\n{job.Output}");
            Assert.Contains("Data parallel over 2 MPI ranks", job.Output, StringComparison.Ordinal);
            var alone = MpiJob.Run(MpiJob.Gpulstm([.. train, "--out", "s", "--json", "s.json"]), Bound, dir);
            Assert.True(alone.ExitCode == 0, $"the single run failed ({alone.ExitCode}):\n{alone.Output}");

            using var m = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "m.json")));
            using var s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "s.json")));
            Assert.Equal(2, m.RootElement.GetProperty("world_size").GetInt32());
            Assert.Equal(1, s.RootElement.GetProperty("world_size").GetInt32());
            double[] Losses(JsonDocument d) => d.RootElement.GetProperty("history").GetProperty("loss").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var (two, one) = (Losses(m), Losses(s));
            Assert.Equal(one.Length, two.Length);
            double relative = Math.Abs(two[^1] - one[^1]) / Math.Abs(one[^1]);
            Assert.True(relative <= 1e-4, $"final training loss: 2 ranks {two[^1]:G9}, one process {one[^1]:G9} (relative {relative:G3} > 1e-4)");
            Assert.True(File.Exists(Path.Combine(dir, "m", "model.safetensors")), "rank 0 wrote no model");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>An example task (masked embedding, bidirectional LSTM) as a 2-rank job ends with one process's last loss.</summary>
    [SkippableFact]
    public void AnExampleTaskRunsDataParallel()
    {
        string mpiexec = MpiJob.RequireMpich();
        string dir = Directory.CreateTempSubdirectory("gpulstm-mpi-").FullName;
        try
        {
            string[] example = ["example", "classify", "--quick", "--quiet"];
            var job = MpiJob.Run([mpiexec, "-n", "2", .. MpiJob.Gpulstm([.. example, "--distributed", "--out", "m"])], Bound, dir);
            Assert.False(job.TimedOut, "the 2-rank job hung:\n" + job.Output);
            Assert.True(job.ExitCode == 0, $"the 2-rank job failed ({job.ExitCode}):\n{job.Output}");
            var alone = MpiJob.Run(MpiJob.Gpulstm([.. example, "--out", "s"]), Bound, dir);
            Assert.True(alone.ExitCode == 0, $"the single run failed ({alone.ExitCode}):\n{alone.Output}");
            double Last(string run)
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, run, "result.json")));
                return doc.RootElement.GetProperty("first_and_last_loss").GetProperty("last").GetDouble();
            }
            double two = Last("m"), one = Last("s"), relative = Math.Abs(two - one) / Math.Abs(one);
            Assert.True(relative <= 1e-4, $"last training loss: 2 ranks {two:G9}, one process {one:G9} (relative {relative:G3} > 1e-4)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public void AFailingRankEndsTheJobWithItsMessage()
    {
        string mpiexec = MpiJob.RequireMpich();
        string dir = Directory.CreateTempSubdirectory("gpulstm-mpi-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "other.csv"), "when,value\n1,2\n");
            // Two command lines (MPMD): rank 0 trains normally and would wait in its first all-reduce forever;
            // rank 1 fails after MPI is up (its CSV lacks the column).
            string[] common = ["train", "--distributed", "--epochs", "500", "--quiet"];
            var job = MpiJob.Run([mpiexec, "-n", "1", .. MpiJob.Gpulstm([.. common, "--out", "a"]), ":",
                "-n", "1", .. MpiJob.Gpulstm([.. common, "--out", "b", "--data", "other.csv", "--column", "missing"])], Bound, dir);
            Assert.False(job.TimedOut, "the job hung after rank 1 failed:\n" + job.Output);
            Assert.True(job.ExitCode != 0, "the job exited 0 although rank 1 failed:\n" + job.Output);
            Assert.Contains("rank 1 of 2 failed, ending the job", job.Output, StringComparison.Ordinal);
            Assert.Contains("missing", job.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public void DistributedWithoutMpiexecSaysHowToStartIt()
    {
        Skip.If(Environment.GetEnvironmentVariable("PMI_RANK") is not null, "this test run is itself an MPI rank");
        var run = CliRun.Of("train", "--distributed", "--epochs", "1", "--out", Path.Combine(Path.GetTempPath(), $"gpulstm-nompi-{Guid.NewGuid():N}"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not started by mpiexec", run.Error, StringComparison.Ordinal);
        Assert.Contains("mpiexec.mpich -n 2", run.Error, StringComparison.Ordinal);
    }
}
