namespace GpuLstm.Kernels;

/// <summary>
/// How one launch of a grid recurrence kernel (<see cref="LstmGridKernels"/>) splits the work, as the engine's
/// planner chose it. Group g owns hidden units [g * Units, (g + 1) * Units) with all their gates and stages its
/// slice of the recurrent kernel U in dynamic shared memory once per launch. Steps = 1 is step mode (one launch
/// per step; the launch boundary is the barrier); Steps &gt; 1 is the persistent kernel, which loops over the
/// steps with a grid barrier between them and so needs every group of the grid resident at once.
/// </summary>
public struct RecurrenceGrid
{
    /// <summary>The first step this launch runs: forward counts up from it, backward down.</summary>
    public int FirstStep;

    /// <summary>Steps this launch runs (1: step mode).</summary>
    public int Steps;

    /// <summary>T of the whole sequence (backward: the last step has no later step's gate grads to carry).</summary>
    public int TotalSteps;

    /// <summary>Hidden units per group.</summary>
    public int Units;

    /// <summary>Threads that share one element's dot products (a power of two dividing the group size).</summary>
    public int SplitK;

}
