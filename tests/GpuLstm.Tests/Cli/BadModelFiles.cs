using GpuLstm.Device;
using GpuLstm.Models;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Cli;

/// <summary>
/// One small model written by `gpulstm train`, and broken copies of it: truncated at several lengths,
/// a corrupt header, weights only, and a text file. Shared by the tests of the commands that read models.
/// </summary>
public sealed class BadModelFiles : IDisposable
{
    private readonly TempDirectory _dir = new();

    public BadModelFiles()
    {
        var run = CliRun.Of("train", "--epochs", "1", "--units", "4", "--quiet", "--out", _dir.Path);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"training the fixture model failed: {run.Error}");
        Model = _dir.File("model.safetensors");
        byte[] bytes = System.IO.File.ReadAllBytes(Model);
        foreach (int length in new[] { 0, 4, 8, 100, bytes.Length / 2, bytes.Length - 1 })
            System.IO.File.WriteAllBytes(_dir.File($"truncated-{length}.safetensors"), bytes[..length]);

        long headerLength = BitConverter.ToInt64(bytes, 0);
        byte[] corrupt = (byte[])bytes.Clone();
        corrupt[8 + headerLength / 2] = (byte)'}'; // the header is no longer JSON
        System.IO.File.WriteAllBytes(_dir.File("corrupt-header.safetensors"), corrupt);

        using (var device = ComputeDevice.Create(DeviceKind.Cpu))
        using (var model = Sequential.Load(Model, device))
            model.SaveWeights(_dir.File("weights-only.safetensors"));
        System.IO.File.WriteAllText(_dir.File("text.safetensors"), "this is not a safetensors file");
    }

    /// <summary>The intact model.</summary>
    public string Model { get; }

    public string Folder => _dir.Path;

    /// <summary>Every broken file's name.</summary>
    public static readonly string[] Names =
    [
        "truncated-0.safetensors", "truncated-4.safetensors", "truncated-8.safetensors", "truncated-100.safetensors",
        "corrupt-header.safetensors", "weights-only.safetensors", "text.safetensors",
        "truncated-half.safetensors", "truncated-last.safetensors",
    ];

    public string File(string name)
    {
        // Lengths that depend on the model's size are named by their role.
        if (name == "truncated-half.safetensors" || name == "truncated-last.safetensors")
        {
            long length = new FileInfo(Model).Length;
            return _dir.File($"truncated-{(name == "truncated-half.safetensors" ? length / 2 : length - 1)}.safetensors");
        }
        return _dir.File(name);
    }

    public void Dispose() => _dir.Dispose();
}
