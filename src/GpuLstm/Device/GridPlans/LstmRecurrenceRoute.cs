namespace GpuLstm.Device.GridPlans;

/// <summary>An LSTM recurrence's path: the fused CPU recurrence, the grid recurrence, or (both null) per-step GEMMs.</summary>
internal sealed record LstmRecurrenceRoute(Cpu.CpuLstmRecurrence? Fused, RecurrenceGridPlan? Grid);
