using GpuLstm.Losses;
using GpuLstm.Optimizers;

namespace GpuLstm.Models;

/// <summary>
/// The compile section of a saved model, checked completely (optimizer and its settings, clipping,
/// iterations, losses, metrics) before anything is created; Apply compiles a (host-only) model with it.
/// </summary>
internal sealed class SavedCompile
{
    private static readonly string[] OptimizerNames = ["adam", "adamw", "sgd", "rmsprop"];
    private const double MaxRate = 1e6; // learning rate, epsilon, weight decay: far above any real setting

    private readonly Func<Optimizer> _optimizer;
    private readonly float _clipValue, _clipNorm, _globalClipNorm;
    private readonly IReadOnlyList<LossFunction> _losses;
    private readonly IReadOnlyList<string> _metrics;

    private SavedCompile(Func<Optimizer> optimizer, float clipValue, float clipNorm, float globalClipNorm, long iterations,
        IReadOnlyList<LossFunction> losses, IReadOnlyList<string> metrics, IReadOnlyList<string> stateNames)
    {
        (_optimizer, _clipValue, _clipNorm, _globalClipNorm, Iterations, _losses, _metrics, StateNames) =
            (optimizer, clipValue, clipNorm, globalClipNorm, iterations, losses, metrics, stateNames);
    }

    public long Iterations { get; }

    /// <summary>The optimizer's state tensors (without the optimizer/ prefix), which a file must hold once it has made an update.</summary>
    public IReadOnlyList<string> StateNames { get; }

    /// <summary>Checks a compile section for a model with <paramref name="outputCount"/> outputs.</summary>
    public static SavedCompile Parse(RecordNode compile, int outputCount)
    {
        compile.RequireObject();
        string name = compile["optimizer"].OneOf(OptimizerNames);
        var config = compile["optimizer_config"];
        config.RequireObject();
        float lr = config["learning_rate"].Float(0, MaxRate, minExclusive: true);
        float Fraction(string key) => config[key].Float(0, 1);
        float Epsilon() => config["epsilon"].Float(0, MaxRate);
        Func<Optimizer> optimizer;
        string[] states;
        switch (name)
        {
            case "adam":
            {
                var (b1, b2, eps) = (Fraction("beta_1"), Fraction("beta_2"), Epsilon());
                (optimizer, states) = (() => new Adam(lr, b1, b2, eps), ["m", "v"]);
                break;
            }
            case "adamw":
            {
                var (b1, b2, eps, wd) = (Fraction("beta_1"), Fraction("beta_2"), Epsilon(), config["weight_decay"].Float(0, MaxRate));
                (optimizer, states) = (() => new AdamW(lr, wd, b1, b2, eps), ["m", "v"]);
                break;
            }
            case "sgd":
            {
                var (momentum, nesterov) = (config["momentum"].Float(0, 0.999999), config["nesterov"].Int(0, 1) == 1);
                (optimizer, states) = (() => new Sgd(lr, momentum, nesterov), momentum > 0f ? ["velocity"] : []);
                break;
            }
            default: // rmsprop
            {
                var (rho, eps) = (Fraction("rho"), Epsilon());
                (optimizer, states) = (() => new RmsProp(lr, rho, eps), ["mean_square"]);
                break;
            }
        }
        float Clip(string key, bool optional = false) => optional && compile.Optional(key) is null ? 0f : compile[key].Float(0, float.MaxValue);
        var (clipValue, clipNorm, globalClipNorm) = (Clip("clip_value"), Clip("clip_norm", optional: true), Clip("global_clip_norm"));
        long iterations = compile["iterations"].Long(0, long.MaxValue);
        var lossNames = LossFunction.Names;
        LossFunction Loss(RecordNode node) => new(node["name"].OneOf(lossNames), node["from_logits"].Bool());
        var single = compile.Optional("loss") is { } l ? new LossFunction(l.OneOf(lossNames), compile["from_logits"].Bool()) : null;
        var losses = compile.Optional("losses") is { } list // absent in files from before multi-output models
            ? list.Items(outputCount, outputCount).Select(Loss).ToList()
            : Enumerable.Repeat(single ?? throw compile.Error("has neither 'losses' nor 'loss'."), outputCount).ToList();
        var metrics = compile["metrics"].Items(0, 64).Select(m => m.OneOf([.. Metric.Names, "acc", "mean_absolute_error"])).ToList();
        return new SavedCompile(optimizer, clipValue, clipNorm, globalClipNorm, iterations, losses, metrics, states);
    }

    /// <summary>Compiles the model (host objects only: optimizer state is created when the weights exist).</summary>
    public void Apply(Model model)
    {
        var optimizer = _optimizer();
        optimizer.ClipValue = _clipValue;
        optimizer.ClipNorm = _clipNorm;
        optimizer.GlobalClipNorm = _globalClipNorm;
        optimizer.RestoreIterations(Iterations);
        model.Compile(optimizer, _losses, _metrics);
    }
}
