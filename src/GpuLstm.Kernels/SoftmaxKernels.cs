using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>Softmax over the last axis, one row per work item (grid-stride over rows); max-shifted for stability.</summary>
public static class SoftmaxKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxForward(Index1D index, int launched, int rows, int cols,
        ArrayView<float> x,   // [rows, cols] logits
        ArrayView<float> y)   // [rows, cols] probabilities
    {
        for (int r = index; r < rows; r += launched)
        {
            long row = (long)r * cols;
            float max = x[row];
            for (int k = 1; k < cols; k++)
                max = MathF.Max(max, x[row + k]);
            float sum = 0f;
            for (int k = 0; k < cols; k++)
            {
                float e = MathF.Exp(x[row + k] - max);
                y[row + k] = e;
                sum += e;
            }
            float inverse = 1f / sum;
            for (int k = 0; k < cols; k++)
                y[row + k] *= inverse;
        }
    }

    /// <summary>dx = beta dx + y (dy - sum_k dy_k y_k): the softmax Jacobian from the saved output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxBackward(Index1D index, int launched, int rows, int cols, float beta,
        ArrayView<float> y,   // [rows, cols]
        ArrayView<float> dy,  // [rows, cols]
        ArrayView<float> dx)  // [rows, cols]
    {
        for (int r = index; r < rows; r += launched)
        {
            long row = (long)r * cols;
            float dot = 0f;
            for (int k = 0; k < cols; k++)
                dot += dy[row + k] * y[row + k];
            for (int k = 0; k < cols; k++)
            {
                float g = y[row + k] * (dy[row + k] - dot);
                dx[row + k] = beta == 0f ? g : beta * dx[row + k] + g;
            }
        }
    }
}
