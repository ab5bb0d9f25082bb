using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// A software barrier across every group of a grid (ILGPU 1.5.3 has no cooperative launch). It only returns when
/// all groups of the grid run at the same time: the engine launches a persistent kernel with no more groups than
/// the device keeps resident and refuses a larger grid. state[0] counts arrivals, state[1] is the generation;
/// the last group to arrive resets the count and moves the generation on. The host zeroes the state before each
/// persistent launch, so one aborted launch cannot leave a count behind. The spin has no bound: a grid that is not
/// resident hangs here, which is why the engine refuses one before launching.
/// </summary>
internal static class GridBarrier
{
    public static void Wait(ArrayView<int> state, int groups)
    {
        Group.Barrier(); // every thread of this group has written its part of the step
        if (Group.IsFirstThread)
        {
            MemoryFence.DeviceLevel(); // the group's writes become visible before it counts as arrived
            int generation = Atomic.Add(ref state[1], 0); // read before arriving: it cannot move until we do
            MemoryFence.DeviceLevel(); // ... and the read is done before the arrival (relaxed atomics to two words)
            if (Atomic.Add(ref state[0], 1) == groups - 1)
            {
                Atomic.Exchange(ref state[0], 0);
                MemoryFence.DeviceLevel();
                Atomic.Add(ref state[1], 1);
            }
            else
            {
                while (Atomic.Add(ref state[1], 0) == generation)
                {
                }
            }
            MemoryFence.DeviceLevel(); // what the other groups wrote is seen after the barrier
        }
        Group.Barrier();
    }
}
