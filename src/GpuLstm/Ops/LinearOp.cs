using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>y = act(x W + b) over the last axis of x (a Dense layer). Forward and backward side by side.</summary>
public static class LinearOp
{
    /// <param name="x">[..., In]</param>
    /// <param name="weight">[In, Out]</param>
    /// <param name="bias">[Out], or null</param>
    /// <returns>[..., Out]</returns>
    public static Tensor Forward(Tape tape, Tensor x, Tensor weight, Tensor? bias, int activation = ActivationCode.Linear,
        string name = "linear")
    {
        ShapeUtil.ExpectRank(name, "weight", weight.Shape, 2, "[in, out]");
        int inFeatures = weight.Shape[0], outFeatures = weight.Shape[1];
        if (x.Shape[^1] != inFeatures)
            throw new ArgumentException(
                $"{name}: input has shape {ShapeUtil.Format(x.Shape)}, expected last axis {inFeatures} to match weight {ShapeUtil.Format(weight.Shape)}.");
        if (bias is not null)
            ShapeUtil.Expect(name, "bias", bias.Shape, [outFeatures]);
        int rows = (int)(x.Length / inFeatures);
        var shape = x.Shape.ToArray();
        shape[^1] = outFeatures;
        var device = tape.Device;
        var y = tape.NewTensor(shape, name + ".out");               // [rows, Out]
        y.RequiresGrad = x.RequiresGrad || weight.RequiresGrad || (bias?.RequiresGrad ?? false);

        Gemm.Run(device, name, MatrixView.Of(x, rows, inFeatures), MatrixView.Of(weight, inFeatures, outFeatures),
            MatrixView.Of(y, rows, outFeatures));
        if (bias is not null || activation != ActivationCode.Linear)
        {
            int n = device.Threads(y.Length);
            device.Kernels.BiasActivation(n, n, rows, outFeatures, activation, bias is null ? 0 : 1,
                y.View, (bias ?? y).View);
        }

        tape.Record(name, () => Backward(tape, x, weight, bias, activation, y, rows, name));
        return y;
    }

    private static void Backward(Tape tape, Tensor x, Tensor weight, Tensor? bias, int activation, Tensor y, int rows,
        string name)
    {
        if (!y.GradValid)
            return;
        var device = tape.Device;
        int inFeatures = weight.Shape[0], outFeatures = weight.Shape[1];
        Tensor dz = y.Grad!;                                          // [rows, Out]
        if (activation != ActivationCode.Linear)
        {
            dz = tape.NewTensor(y.Shape, name + ".dz");
            int n = device.Threads(y.Length);
            device.Kernels.ActivationBackward(n, n, (int)y.Length, activation, 0f, y.View, y.Grad!.View, dz.View);
        }
        var dzMatrix = MatrixView.Of(dz, rows, outFeatures);
        if (weight.RequiresGrad)
        {
            var (gw, beta) = tape.GradFor(weight);                    // [In, Out] += x^T dz
            Gemm.Run(device, name + ".backward", MatrixView.Of(x, rows, inFeatures).T, dzMatrix,
                MatrixView.Of(gw, inFeatures, outFeatures), 1f, beta);
        }
        if (bias is not null && bias.RequiresGrad)
        {
            var (gb, beta) = tape.GradFor(bias);                      // [Out] += colsum(dz)
            Elementwise.ColumnSum(device, dz.View, rows, outFeatures, beta, gb.View);
        }
        if (x.RequiresGrad)
        {
            var (gx, beta) = tape.GradFor(x);                         // [rows, In] += dz W^T
            Gemm.Run(device, name + ".backward", dzMatrix, MatrixView.Of(weight, inFeatures, outFeatures).T,
                MatrixView.Of(gx, rows, inFeatures), 1f, beta);
        }
    }
}
