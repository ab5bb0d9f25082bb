using System.Reflection;
using System.Runtime.CompilerServices;
using ILGPU;
using GpuLstm.Kernels;

namespace GpuLstm.Codegen;

/// <summary>
/// Discovers kernels by convention rather than a hand-kept list, so a new kernel is checked the
/// moment it is written: every public static void, non-generic method of a public static class
/// in the kernel namespace.
/// </summary>
public sealed class KernelCatalog
{
    /// <summary>Namespace that holds the production kernels.</summary>
    public const string KernelNamespace = "GpuLstm.Kernels";

    // Implicitly grouped kernels take one of ILGPU's index types first; all others are explicit.
    private static readonly HashSet<Type> ImplicitIndexTypes =
    [
        typeof(Index1D), typeof(Index2D), typeof(Index3D),
        typeof(LongIndex1D), typeof(LongIndex2D), typeof(LongIndex3D),
    ];

    private readonly Dictionary<string, MethodInfo> byName;

    private KernelCatalog(IReadOnlyList<MethodInfo> kernels, IReadOnlyList<string> names)
    {
        Kernels = kernels;
        Names = names;
        byName = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
        for (int i = 0; i < kernels.Count; i++)
            byName.Add(names[i], kernels[i]);
    }

    /// <summary>The kernels, sorted by <see cref="Names"/>.</summary>
    public IReadOnlyList<MethodInfo> Kernels { get; }

    /// <summary>Unique display names ("Class.Method"), parallel to <see cref="Kernels"/>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The catalog of the production kernel assembly.</summary>
    public static KernelCatalog Default { get; } = FromAssembly(KernelAssembly.Assembly, KernelNamespace);

    /// <summary>Discovers kernels in <paramref name="assembly"/> under <paramref name="ns"/> (and its sub-namespaces).</summary>
    public static KernelCatalog FromAssembly(Assembly assembly, string ns)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(ns);

        var found = assembly.GetTypes()
            .Where(t => IsStaticPublicClass(t) && IsInNamespace(t, ns))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(IsKernelMethod)
            .Select(m => (Method: m, Name: $"{m.DeclaringType!.Name}.{m.Name}", Signature: SignatureOf(m)))
            .OrderBy(k => k.Name, StringComparer.Ordinal)
            .ThenBy(k => k.Signature, StringComparer.Ordinal)
            .ToList();

        // Overloads (or equal class names in sub-namespaces) get a numeric suffix so every
        // kernel still has its own file and test case.
        var names = new List<string>(found.Count);
        foreach (var group in found.GroupBy(k => k.Name))
        {
            int n = 0;
            foreach (var k in group)
                names.Add(n++ == 0 ? k.Name : $"{k.Name}_{n}");
        }

        return new KernelCatalog(found.Select(k => k.Method).ToList(), names);
    }

    /// <summary>True when the kernel's first parameter is an ILGPU index type (launched without explicit groups).</summary>
    public static bool IsImplicitlyGrouped(MethodInfo kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var parameters = kernel.GetParameters();
        return parameters.Length > 0 && ImplicitIndexTypes.Contains(parameters[0].ParameterType);
    }

    /// <summary>Looks a kernel up by its display name.</summary>
    public MethodInfo Get(string name) =>
        byName.TryGetValue(name, out var method)
            ? method
            : throw new KeyNotFoundException($"No kernel named '{name}' in the catalog.");

    /// <summary>The display name of a kernel in this catalog.</summary>
    public string NameOf(MethodInfo kernel)
    {
        for (int i = 0; i < Kernels.Count; i++)
        {
            if (Kernels[i] == kernel)
                return Names[i];
        }
        throw new KeyNotFoundException($"Method '{kernel.Name}' is not in the catalog.");
    }

    private static bool IsStaticPublicClass(Type t) =>
        t.IsClass && t.IsAbstract && t.IsSealed && t.IsVisible && !t.IsGenericTypeDefinition;

    private static bool IsInNamespace(Type t, string ns) =>
        t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal));

    private static bool IsKernelMethod(MethodInfo m) =>
        m.ReturnType == typeof(void)
        && !m.IsSpecialName // property accessors, operators, event handlers
        && !m.IsGenericMethodDefinition
        && !m.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    private static string SignatureOf(MethodInfo m) =>
        string.Join(",", m.GetParameters().Select(p => p.ParameterType.FullName ?? p.ParameterType.Name));
}
