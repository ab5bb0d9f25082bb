namespace GpuLstm.IO;

/// <summary>
/// Every file GpuLstm writes goes through here: the content is written under a temporary name
/// beside the target (same file system), flushed, then renamed over it, and the directory is synced,
/// so a reader never sees half a file and a failed or killed write leaves the old file as it was.
/// Temporary files that a killed earlier save of the same target left behind are removed by the next one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes the target with <paramref name="write"/>; creates its directory if needed.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        CreateDirectory(directory, path);
        RemoveStaleTemps(directory, Path.GetFileName(full));
        string temp = Path.Combine(directory, TempPrefix(Path.GetFileName(full)) + $"{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = OpenTemp(temp, directory, path))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            DirectorySync.Flush(directory); // the rename itself survives a power cut only once the directory is on disk
        }
        finally
        {
            TryDelete(temp); // after a successful move it is gone already
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    public static void WriteAllText(string path, string text) => Write(path, s =>
    {
        using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
        writer.Write(text);
    });

    // ".model.safetensors." then 32 hex digits and ".tmp": hidden, and specific to one target.
    private static string TempPrefix(string fileName) => $".{fileName}.";

    private static void CreateDirectory(string directory, string path)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot save '{path}': its folder '{directory}' cannot be created ({e.Message})", e);
        }
    }

    private static FileStream OpenTemp(string temp, string directory, string path)
    {
        try
        {
            // FileShare.None takes an advisory lock on Unix, so another process's save in progress keeps its temp file.
            return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (DirectoryNotFoundException e) // removed after CreateDirectory: name the target's folder, not our temp name
        {
            throw new DirectoryNotFoundException($"Cannot save '{path}': its folder '{directory}' does not exist.", e);
        }
    }

    /// <summary>Deletes temp files of <paramref name="fileName"/> left by killed saves (those no live save holds open).</summary>
    private static void RemoveStaleTemps(string directory, string fileName)
    {
        string prefix = TempPrefix(fileName);
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, prefix + "*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // cleaning up is best effort; the save itself reports real problems
        }
        foreach (string candidate in candidates)
        {
            string name = Path.GetFileName(candidate);
            // Exactly our pattern (the wildcard would also match ".a.b.x.tmp" for a target "a.b.x"'s sibling).
            if (name.Length != prefix.Length + 32 + 4 || !name[prefix.Length..^4].All(char.IsAsciiHexDigit))
                continue;
            try
            {
                using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Opened with no sharing: no save has it open now.
                }
                File.Delete(candidate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use by a save in progress, or gone already.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the write's own exception, if any, is the one worth reporting.
        }
    }
}
