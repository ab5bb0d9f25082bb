namespace GpuLstm.Optimizers;

/// <summary>Optimizers by Keras name, with Keras's default settings.</summary>
public static class OptimizerFactory
{
    public static Optimizer FromName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "adam" => new Adam(),
        "adamw" => new AdamW(),
        "sgd" => new Sgd(),
        "rmsprop" => new RmsProp(),
        _ => throw new ArgumentException($"Compile: unknown optimizer '{name}'; expected adam, adamw, sgd or rmsprop."),
    };
}
