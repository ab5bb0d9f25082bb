using System.Diagnostics;
using System.Globalization;

namespace GpuLstm.Tests.IO;

/// <summary>
/// kill -9 during repeated saves (GpuLstm.SaveLoop, a child process): the target is always a whole
/// old or new file, and the next save removes the temp files the killed ones left.
/// </summary>
public sealed class AtomicFileKillTests : IDisposable
{
    private const int Trials = 5;
    private const int Size = 4 << 20; // large enough that most kills land inside a write
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void KilledSavesLeaveOldOrNewAndTheNextSaveCleansUp()
    {
        string target = _dir.File("model.bin");
        var random = new Random(10);
        int trialsThatLeftATemp = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            long before = File.Exists(target) ? Generation(target) : 0;
            using (var child = StartSaveLoop(target, before + 1))
            {
                string? line = child.StandardOutput.ReadLine(); // after the first whole save
                if (line != "saved") // stderr only then: reading it waits for the child to exit
                    Assert.Fail($"the save loop did not start: {line} {child.StandardError.ReadToEnd()}");
                Thread.Sleep(random.Next(20, 200));
                child.Kill(); // SIGKILL on Unix: no finally blocks, no flush
                Assert.True(child.WaitForExit(10_000), "the killed save loop did not exit");
            }
            AssertWhole(target);
            Assert.True(Generation(target) > before, "the first save of this trial, which completed, was lost");
            if (_dir.Entries().Length > 1)
                trialsThatLeftATemp++;
        }

        GpuLstm.IO.AtomicFile.WriteAllBytes(target, [1, 2, 3]);
        Assert.Equal(["model.bin"], _dir.Entries());
        // Otherwise the clean-up above had nothing to clean, and this test would prove nothing about it.
        Assert.True(trialsThatLeftATemp > 0, $"none of {Trials} kills left a temp file");
    }

    private static Process StartSaveLoop(string target, long firstGeneration)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "GpuLstm.SaveLoop.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "exec", helper, target, Size.ToString(CultureInfo.InvariantCulture), firstGeneration.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
    }

    private static long Generation(string path) => BitConverter.ToInt64(File.ReadAllBytes(path), 0);

    // Whole: the right size, and every byte after the 8-byte generation is that generation's fill byte.
    private static void AssertWhole(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(Size, bytes.Length);
        long generation = BitConverter.ToInt64(bytes, 0);
        byte fill = (byte)(generation % 251);
        int torn = Array.FindIndex(bytes, 8, b => b != fill);
        Assert.True(torn < 0, $"generation {generation} is torn at byte {torn}");
    }
}
