namespace GpuLstm.Samples;

/// <summary>A real sequence task with its data, model and honest baseline (`gpulstm example NAME`).</summary>
public interface IExample
{
    string Name { get; }
    string Description { get; }

    ExampleResult Run(ExampleOptions options);
}
