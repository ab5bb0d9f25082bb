namespace GpuLstm.Optimizers;

/// <summary>Optimizers by Keras name, with Keras's default settings.</summary>
public static class OptimizerFactory
{
    public static Optimizer FromName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "adam" => new Adam(),
        "sgd" => new Sgd(),
        "rmsprop" => new RmsProp(),
        _ => throw new ArgumentException($"Compile: unknown optimizer '{name}'; expected adam, sgd or rmsprop."),
    };
}
