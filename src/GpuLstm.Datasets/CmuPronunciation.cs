namespace GpuLstm.Datasets;

/// <summary>One pronunciation from the CMU Pronouncing Dictionary.</summary>
/// <param name="Word">The word in upper case as the dictionary spells it, without the "(n)" marker (may hold ' . - _ and digits).</param>
/// <param name="Variant">0 for a word's first pronunciation; n for the line written "WORD(n)".</param>
/// <param name="Phonemes">ARPAbet phonemes; vowels carry a stress digit: 0 none, 1 primary, 2 secondary (e.g. "AH0").</param>
public sealed record CmuPronunciation(string Word, int Variant, IReadOnlyList<string> Phonemes);
