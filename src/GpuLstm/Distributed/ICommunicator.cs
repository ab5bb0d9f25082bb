namespace GpuLstm.Distributed;

/// <summary>
/// The processes that train one model together (data parallel, <see cref="Models.Model.Distribute"/>): this
/// process is rank <see cref="Rank"/> of <see cref="Size"/>. The engine needs only these collectives, so it
/// depends on no MPI binding; GpuLstm.Mpi implements them over MPI. Every rank calls each collective in the
/// same order with arrays of the same length.
/// </summary>
public interface ICommunicator
{
    int Rank { get; }

    int Size { get; }

    /// <summary>
    /// values = the sum of every rank's values, in place, bit-identical on every rank (so the ranks' weights
    /// never drift apart).
    /// </summary>
    void AllreduceSum(double[] values);

    /// <summary>As the double overload; the gradient arena goes through this one.</summary>
    void AllreduceSum(float[] values);

    /// <summary>values = root's values on every rank.</summary>
    void Broadcast(float[] values, int root);

    /// <summary>values = root's values on every rank.</summary>
    void Broadcast(long[] values, int root);
}
