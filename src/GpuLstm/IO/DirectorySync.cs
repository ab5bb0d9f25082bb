using System.Runtime.InteropServices;

namespace GpuLstm.IO;

/// <summary>
/// fsync of a directory, which makes a rename inside it durable. .NET cannot open a directory as a
/// stream, so this calls libc on Linux; elsewhere (Windows, macOS) it does nothing: NTFS journals
/// renames, and macOS's fsync does not reach the disk anyway.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY, which opens a directory too (O_DIRECTORY differs between architectures)

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return;
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
            return; // best effort: the file is written and renamed; only its durability is in question
        try
        {
            _ = Fsync(fd); // some file systems refuse fsync on directories (EINVAL); nothing more to do then
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
