using GpuLstm.Device;
using GpuLstm.Distributed;

namespace GpuLstm.Samples;

/// <summary>
/// How to run a task: full (the README figures) or quick (a small slice for CI), where to write, which device;
/// Communicator: train data parallel over these ranks (null: one process).
/// </summary>
public sealed record ExampleOptions(ComputeDevice Device, TextWriter Log, string OutputDirectory, bool Quick = false, int Seed = 0,
    int Verbose = 1, ICommunicator? Communicator = null);
