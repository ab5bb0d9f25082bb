using GpuLstm.IO;

namespace GpuLstm.Tests.IO;

/// <summary>Saved files carry format_version; a newer one is refused, an older file without it still loads.</summary>
public sealed class ModelFormatVersionTests
{
    [Fact]
    public void FilesCarryTheVersionAndNewerOnesAreRefused()
    {
        using var temp = new TempDirectory();
        using var device = GpuLstm.Device.ComputeDevice.Create(GpuLstm.Device.DeviceKind.Cpu);
        using var model = new GpuLstm.Models.Sequential(device: device, seed: 1);
        model.Add(new GpuLstm.Layers.Dense(2, inputShape: [3]));
        model.Build();
        string path = temp.File("m.safetensors");
        model.Save(path);
        Assert.Equal("1", GpuLstm.Models.Sequential.ReadMetadata(path)["format_version"]);

        var content = SafeTensorsFile.Read(path);
        var metadata = content.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        var tensors = content.Tensors.ToList();
        string newer = temp.File("newer.safetensors");
        metadata["format_version"] = "2";
        SafeTensorsFile.Write(newer, tensors, metadata);
        var e = Assert.Throws<InvalidDataException>(() => GpuLstm.Models.Sequential.Load(newer, device));
        Assert.Contains("format_version 2", e.Message);
        Assert.Contains("reads up to 1", e.Message);

        string older = temp.File("older.safetensors");
        metadata.Remove("format_version");
        SafeTensorsFile.Write(older, tensors, metadata);
        using var loaded = GpuLstm.Models.Sequential.Load(older, device);
        Assert.Equal(model.SummaryText(), loaded.SummaryText());
    }
}
