using GpuLstm.Device;

namespace GpuLstm.Samples;

/// <summary>How to run a task: full (the README figures) or quick (a small slice for CI), where to write, which device.</summary>
public sealed record ExampleOptions(ComputeDevice Device, TextWriter Log, string OutputDirectory, bool Quick = false, int Seed = 0,
    int Verbose = 1);
