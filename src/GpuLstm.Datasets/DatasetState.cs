namespace GpuLstm.Datasets;

/// <summary>Where a catalog data set stands in the local cache.</summary>
public enum DatasetState
{
    /// <summary>No folder for it in the cache.</summary>
    Missing,

    /// <summary>Present, and every file matches its pinned SHA-256.</summary>
    Ready,

    /// <summary>Present, but a file is missing, extra or changed; fetching again replaces it.</summary>
    Damaged,
}
