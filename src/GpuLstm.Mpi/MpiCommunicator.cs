using System.Reflection;
using System.Runtime.InteropServices;
using GpuLstm.Distributed;
using MPI;

namespace GpuLstm.Mpi;

/// <summary>
/// <see cref="ICommunicator"/> over MPI's world communicator, through MPI.NET bound to MPICH (MPI.NET imports
/// MS-MPI's msmpi.dll, which shares MPICH's integer-handle ABI; Open MPI's does not fit). Start the program
/// with mpiexec (Debian: <c>mpiexec.mpich -n 2 ...</c>). One per process: MPI is initialised by
/// <see cref="Start"/> and finalised by Dispose. Sums are reduced to rank 0 and broadcast back, so every rank
/// gets the same bits.
/// </summary>
public sealed class MpiCommunicator : ICommunicator, IDisposable
{
    /// <summary>The MPICH library MPI.NET's msmpi imports are resolved to.</summary>
    public const string MpichLibrary = "libmpich.so.12";

    private static readonly Lazy<bool> Resolver = new(InstallResolver);
    private readonly MPI.Environment _environment;
    private readonly Intracommunicator _world;
    private bool _disposed;

    private MpiCommunicator(MPI.Environment environment)
    {
        _environment = environment;
        _world = Communicator.world;
    }

    public int Rank => _world.Rank;

    public int Size => _world.Size;

    /// <summary>Whether this process was started by an MPI launcher (MPICH's Hydra sets PMI_RANK, Open MPI OMPI_COMM_WORLD_RANK).</summary>
    public static bool LaunchedByMpiexec =>
        System.Environment.GetEnvironmentVariable("PMI_RANK") is not null || System.Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") is not null;

    /// <summary>This process's rank among those on its machine (for picking a GPU), from the launcher's environment; 0 if unknown.</summary>
    public static int LocalRank =>
        int.TryParse(System.Environment.GetEnvironmentVariable("MPI_LOCALRANKID") ?? System.Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_RANK"),
            out int rank) ? rank : 0;

    /// <summary>Ranks of this job on this process's machine, from the launcher's environment (MPICH: MPI_LOCALNRANKS); 1 if unknown.</summary>
    public static int LocalRanks =>
        int.TryParse(System.Environment.GetEnvironmentVariable("MPI_LOCALNRANKS") ?? System.Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"),
            out int ranks) && ranks > 0 ? ranks : 1;

    /// <summary>
    /// Device options for this rank: the GPU of its local rank, and on CPUs its share of the machine's cores
    /// (so ranks sharing a machine do not oversubscribe it).
    /// </summary>
    public static Device.ComputeDeviceOptions DeviceOptions() => new()
    {
        DeviceIndex = LocalRank,
        CpuThreads = Math.Max(1, System.Environment.ProcessorCount / LocalRanks),
    };

    /// <summary>
    /// Initialises MPI. Fails with what to do when this process was not started by mpiexec (it would run
    /// alone, as a rank of one) or MPICH is not installed.
    /// </summary>
    /// <param name="what">who asks, for errors (e.g. "gpulstm train --distributed")</param>
    public static MpiCommunicator Start(string what)
    {
        if (!LaunchedByMpiexec)
            throw new InvalidOperationException(
                $"{what}: this process was not started by mpiexec (no PMI_RANK in its environment), so it would train alone; " +
                "run it as `mpiexec.mpich -n 2 ...` (MPICH; Debian: apt-get install mpich).");
        if (!NativeLibrary.TryLoad(MpichLibrary, out IntPtr probe))
            throw new DllNotFoundException(
                $"{what}: MPICH's {MpichLibrary} is not installed; install MPICH (Debian/Ubuntu: apt-get install mpich). " +
                "Open MPI does not work with GpuLstm.Mpi (its MPI.NET binding needs MPICH's handle ABI).");
        NativeLibrary.Free(probe);
        _ = Resolver.Value;
        string[] args = [];
        return new MpiCommunicator(new MPI.Environment(ref args));
    }

    /// <summary>
    /// Runs <paramref name="work"/> as this process's rank of an MPI job (MPI started and finalised around it). A
    /// failure is written to <paramref name="error"/> with the rank (<c>what: rank R of N failed, ending the job:
    /// message</c>) and ends the whole job (MPI_Abort: mpiexec exits non-zero) instead of leaving the other ranks
    /// waiting in a collective forever. Returns work's exit code.
    /// </summary>
    public static int Run(string what, Func<MpiCommunicator, int> work, TextWriter error, Func<Exception, string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(error);
        using var comm = Start(what);
        try
        {
            return work(comm);
        }
        catch (Exception e)
        {
            error.WriteLine($"{what}: rank {comm.Rank} of {comm.Size} failed, ending the job: {(describe ?? (x => x.Message))(e)}");
            error.Flush();
            comm.Abort(1);
            return 1;
        }
    }

    public void AllreduceSum(double[] values) => SumToAll(values, Operation<double>.Add);

    public void AllreduceSum(float[] values) => SumToAll(values, Operation<float>.Add);

    public void Broadcast(float[] values, int root) => BroadcastInPlace(values, root);

    public void Broadcast(long[] values, int root) => BroadcastInPlace(values, root);

    /// <summary>Ends every rank of the job with <paramref name="errorCode"/> (MPI_Abort): after a failure on one rank the others would wait in a collective forever.</summary>
    public void Abort(int errorCode) => _world.Abort(errorCode);

    private void SumToAll<T>(T[] values, ReductionOperation<T> add)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sum = _world.Reduce(values, add, 0); // rank 0 adds in one fixed order
        if (_world.Rank == 0)
            Array.Copy(sum, values, values.Length);
        BroadcastInPlace(values, 0);
    }

    private void BroadcastInPlace<T>(T[] values, int root)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var received = values;
        _world.Broadcast(ref received, root);
        if (!ReferenceEquals(received, values))
            Array.Copy(received, values, values.Length);
    }

    /// <summary>MPI.NET imports msmpi; MPICH provides the same functions under its own name.</summary>
    private static bool InstallResolver()
    {
        NativeLibrary.SetDllImportResolver(typeof(MPI.Environment).Assembly, (name, _, _) =>
            name.Contains("msmpi", StringComparison.OrdinalIgnoreCase) ? NativeLibrary.Load(MpichLibrary) : IntPtr.Zero);
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _environment.Dispose();
    }
}
