namespace GpuLstm.Datasets;

/// <summary>One chapter of <see cref="MobyDick"/>: its number, title and where it lies in the full text.</summary>
/// <param name="Number">Chapter number, 1-135.</param>
/// <param name="Title">The title after the number, e.g. "Loomings.".</param>
/// <param name="Start">Offset in <see cref="MobyDick.Text"/> of the chapter's "CHAPTER n." heading line.</param>
/// <param name="Length">Characters up to the next heading (or the end), heading included.</param>
public sealed record MobyDickChapter(int Number, string Title, int Start, int Length);
