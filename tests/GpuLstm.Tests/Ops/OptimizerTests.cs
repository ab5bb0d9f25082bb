using GpuLstm.Memory;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>Fused optimizer updates against the Keras update rules computed on the host in double.</summary>
public abstract class OptimizerTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData("adam", 0f, 0f)]
    [InlineData("adam", 0.05f, 0f)]
    [InlineData("adam", 0f, 0.3f)]
    [InlineData("adamw", 0f, 0f)]
    [InlineData("sgd", 0f, 0f)]
    [InlineData("sgd_momentum", 0f, 0f)]
    [InlineData("sgd_nesterov", 0f, 1.5f)]
    [InlineData("rmsprop", 0f, 0f)]
    public void ThreeStepsMatchKerasRule(string name, float clipValue, float globalClipNorm)
    {
        var device = fixture.Device;
        var p0 = TestData.Uniform(51, 7);
        var grads = Enumerable.Range(0, 3).Select(s => TestData.Uniform(60 + s, 7, 0.5f)).ToArray();
        using var set = new ParameterSet(device, [("a", [3]), ("b", [2, 2])]);
        set["a"].CopyFrom(p0.AsSpan(0, 3));
        set["b"].CopyFrom(p0.AsSpan(3, 4));
        using Optimizer opt = name switch
        {
            "adam" => new Adam(0.01f),
            "adamw" => new AdamW(0.01f, weightDecay: 0.5f),
            "sgd" => new Sgd(0.1f),
            "sgd_momentum" => new Sgd(0.1f, 0.9f),
            "sgd_nesterov" => new Sgd(0.1f, 0.9f, nesterov: true),
            _ => new RmsProp(0.01f),
        };
        opt.ClipValue = clipValue;
        opt.GlobalClipNorm = globalClipNorm;

        var p = TestData.ToDouble(p0);
        var s1 = new double[7];
        var s2 = new double[7];
        for (int step = 1; step <= 3; step++)
        {
            set.Grads.CopyFrom(grads[step - 1]);
            foreach (var t in set.Parameters)
                t.GradValid = true;
            opt.Step(set);

            var g = TestData.ToDouble(grads[step - 1]);
            if (globalClipNorm > 0)
            {
                double norm = Math.Sqrt(g.Sum(v => v * v));
                if (norm > globalClipNorm)
                    g = g.Select(v => v * globalClipNorm / norm).ToArray();
            }
            if (clipValue > 0)
                g = g.Select(v => Math.Clamp(v, -clipValue, clipValue)).ToArray();
            for (int i = 0; i < 7; i++)
            {
                switch (name)
                {
                    case "adam" or "adamw":
                        if (name == "adamw")
                            p[i] -= p[i] * 0.5 * 0.01; // Keras: variable -= variable * weight_decay * learning_rate, first
                        s1[i] = 0.9 * s1[i] + 0.1 * g[i];
                        s2[i] = 0.999 * s2[i] + 0.001 * g[i] * g[i];
                        double alpha = 0.01 * Math.Sqrt(1 - Math.Pow(0.999, step)) / (1 - Math.Pow(0.9, step));
                        p[i] -= alpha * s1[i] / (Math.Sqrt(s2[i]) + 1e-7);
                        break;
                    case "sgd":
                        p[i] -= 0.1 * g[i];
                        break;
                    case "rmsprop":
                        s1[i] = 0.9 * s1[i] + 0.1 * g[i] * g[i];
                        p[i] -= 0.01 * g[i] / (Math.Sqrt(s1[i]) + 1e-7);
                        break;
                    default:
                        s1[i] = 0.9 * s1[i] - 0.1 * g[i];
                        p[i] += name == "sgd_nesterov" ? 0.9 * s1[i] - 0.1 * g[i] : s1[i];
                        break;
                }
            }
            Compare.Close($"{name} parameters after step {step}", p, set.Values.ToArray(), 1e-6, 1e-5);
        }
    }

    [SkippableFact]
    public void ClipNormRescalesEachWeightOnItsOwn()
    {
        var device = fixture.Device;
        using var set = new ParameterSet(device, [("a", [3]), ("b", [2, 2])]);
        set.Values.CopyFrom(new float[7]);
        set.Grads.CopyFrom([3f, 4f, 0f, 0.1f, 0f, 0f, 0f]); // ||a|| = 5, ||b|| = 0.1
        foreach (var t in set.Parameters)
            t.GradValid = true;
        using var sgd = new Sgd(1f) { ClipNorm = 1f };
        sgd.Step(set);
        Compare.Close("values", new float[] { -0.6f, -0.8f, 0f, -0.1f, 0f, 0f, 0f }, set.Values.ToArray(), 1e-6, 1e-5);
    }

    [SkippableFact]
    public void ParametersWithoutGradientAreNotMovedByStaleValues()
    {
        var device = fixture.Device;
        using var set = new ParameterSet(device, [("used", [2]), ("unused", [2])]);
        set.Values.CopyFrom([1f, 1f, 1f, 1f]);
        set.Grads.CopyFrom([1f, 1f, 99f, 99f]); // stale garbage in the unused slice
        set["used"].GradValid = true;
        using var sgd = new Sgd(0.5f);
        sgd.Step(set);
        Compare.Close("values", new float[] { 0.5f, 0.5f, 1f, 1f }, set.Values.ToArray(), 0, 0);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuOptimizerTests(CpuFixture fixture) : OptimizerTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedOptimizerTests(CpuLaunchedFixture fixture) : OptimizerTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaOptimizerTests(CudaFixture fixture) : OptimizerTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClOptimizerTests(OpenClFixture fixture) : OptimizerTests(fixture);
