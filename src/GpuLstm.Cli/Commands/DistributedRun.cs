using GpuLstm.Distributed;
using GpuLstm.Mpi;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// Runs a command's work as one rank of an MPI job (MpiCommunicator.Run): a failure on any rank is printed
/// with the rank (`gpulstm train --distributed: rank R of N failed, ...`) and ends the whole job instead of leaving the others waiting.
/// </summary>
internal static class DistributedRun
{
    /// <summary>What a rank prints on: the command's output on rank 0 (or without MPI), nothing elsewhere.</summary>
    public static TextWriter Shown(TextWriter output, ICommunicator? comm) => comm is null || comm.Rank == 0 ? output : TextWriter.Null;

    public static int Run(TextWriter error, string what, Func<ICommunicator, int> work) =>
        MpiCommunicator.Run(what, comm => work(comm), error, Program.Describe);
}
