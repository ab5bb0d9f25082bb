namespace GpuLstm.Datasets;

/// <summary>One CSV record: its fields and the 1-based line where it starts.</summary>
internal readonly record struct CsvRecord(int Line, string[] Fields);
