namespace GpuLstm.Kernels;

/// <summary>The scalar settings of a loss kernel in one struct (ILGPU kernels take a bounded number of arguments).</summary>
public struct LossArgs
{
    /// <summary>Elements (binary, regression) or rows (categorical) the kernel visits.</summary>
    public int Count;
    /// <summary>Categorical: classes per row.</summary>
    public int Classes;
    /// <summary>Categorical: targets are class indices [rows] instead of distributions.</summary>
    public int Sparse;
    public int FromLogits;
    /// <summary>Regression: 0 squared error, 1 absolute error.</summary>
    public int Kind;
    /// <summary>d(mean)/d(loss term): 1 / number of loss terms.</summary>
    public float GradScale;
    public StepWeights Weights;
}
