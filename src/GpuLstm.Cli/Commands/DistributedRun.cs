using GpuLstm.Distributed;
using GpuLstm.Mpi;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// Runs a command's work as one rank of an MPI job. A failure on any rank is printed with the rank and
/// ends the whole job (MPI_Abort, exit code 1 from mpiexec) instead of leaving the other ranks waiting in
/// an all-reduce forever.
/// </summary>
internal static class DistributedRun
{
    public static int Run(TextWriter error, string what, Func<ICommunicator, int> work)
    {
        using var comm = MpiCommunicator.Start(what);
        try
        {
            return work(comm);
        }
        catch (Exception e)
        {
            Program.Fail(error, $"rank {comm.Rank} of {comm.Size} failed, ending the job: {Program.Describe(e)}");
            error.Flush();
            comm.Abort(1);
            return 1;
        }
    }
}
