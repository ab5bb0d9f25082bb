namespace GpuLstm.Models.PyTorch;

/// <summary>
/// Finds every way (up to two) to give each Keras layer its own PyTorch unit such that each pair fits
/// and the order the state_dict does fix is kept: the layers of one stacked RNN go to consecutive Keras
/// layers in order, and nn.Sequential/ModuleList indices to Keras layers in index order. Named
/// attributes carry no order (a safetensors header is sorted by name), so two of them that fit the same
/// layers give two solutions: an ambiguity for the caller to report. Pairs given by a mapping are fixed
/// and exempt from the order rules. A depth-first search over the layers in model order that remembers
/// dead ends, so equal layers do not make it exponential.
/// </summary>
internal sealed class TorchMatcher
{
    private readonly IReadOnlyList<TorchUnit> _units;
    private readonly bool[,] _fits;                 // [unit, target]
    private readonly int[] _fixedUnitOfTarget;      // -1 where the search chooses
    private readonly bool[] _fixedUnit;
    private readonly int[] _below, _above;          // the neighbouring layer of the same RNN, or -1
    private readonly HashSet<string> _deadEnds = new(StringComparer.Ordinal);
    private readonly List<int[]> _solutions = new();

    public TorchMatcher(IReadOnlyList<TorchUnit> units, bool[,] fits, IReadOnlyDictionary<int, int> fixedUnitOfTarget)
    {
        _units = units;
        _fits = fits;
        _fixedUnitOfTarget = Enumerable.Repeat(-1, fits.GetLength(1)).ToArray();
        _fixedUnit = new bool[units.Count];
        foreach (var (target, unit) in fixedUnitOfTarget)
        {
            _fixedUnitOfTarget[target] = unit;
            _fixedUnit[unit] = true;
        }
        int Neighbour(TorchUnit u, int delta) => u.Layer < 0 ? -1
            : units.Select((v, i) => (v, i)).Where(x => x.v.Module == u.Module && x.v.Kind == u.Kind && x.v.Layer == u.Layer + delta)
                .Select(x => x.i).DefaultIfEmpty(-1).First();
        _below = units.Select(u => Neighbour(u, -1)).ToArray();
        _above = units.Select(u => Neighbour(u, +1)).ToArray();
    }

    /// <summary>Up to two solutions, each the unit index for every target in model order.</summary>
    public IReadOnlyList<int[]> Solve()
    {
        Search(0, new bool[_units.Count], -1, new int[_fixedUnitOfTarget.Length]);
        return _solutions;
    }

    private bool Search(int target, bool[] used, int previous, int[] assignment)
    {
        if (target == assignment.Length)
        {
            _solutions.Add((int[])assignment.Clone());
            return true;
        }
        string key = $"{target}:{previous}:{string.Concat(used.Select(b => b ? '1' : '0'))}";
        if (_deadEnds.Contains(key))
            return false;
        bool found = false;
        for (int u = 0; u < _units.Count && _solutions.Count < 2; u++)
        {
            if (used[u] || !Allowed(u, target, used, previous))
                continue;
            used[u] = true;
            assignment[target] = u;
            found |= Search(target + 1, used, u, assignment);
            used[u] = false;
        }
        if (!found)
            _deadEnds.Add(key);
        return found;
    }

    private bool Allowed(int u, int target, bool[] used, int previous)
    {
        if (!_fits[u, target])
            return false;
        // A stacked RNN's next layer must follow the one before it, unless a mapping placed either.
        if (previous >= 0 && !_fixedUnit[previous] && _above[previous] >= 0 && !_fixedUnit[_above[previous]] && u != _above[previous])
            return false;
        if (_fixedUnitOfTarget[target] >= 0 || _fixedUnit[u])
            return _fixedUnitOfTarget[target] == u;
        if (_below[u] >= 0 && !_fixedUnit[_below[u]] && previous != _below[u])
            return false;
        for (int p = 0; p < _units.Count; p++)
            if (!used[p] && !_fixedUnit[p] && _units[p].Precedes(_units[u]))
                return false;
        return true;
    }
}
