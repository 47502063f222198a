using System.IO.Hashing;
using System.Text;

namespace SocialLearning.Recommendations;

/// <summary>
/// Deterministic A/B assignment: XxHash3 (seed 0) of the UTF-8 bytes of <c>tenant \n learner \n experiment</c>,
/// modulo the total weight, picks a variant from the variants in ordinal name order. Stable across processes
/// and machines (never <see cref="string.GetHashCode()"/>, which is randomised per process).
/// </summary>
internal sealed class ExperimentAssignment
{
    private readonly string _name;
    private readonly string[] _variants;
    private readonly long[] _cumulative;

    public ExperimentAssignment(RankerExperiment experiment)
    {
        _name = experiment.Name;
        var ordered = experiment.Variants.OrderBy(v => v.Key, StringComparer.Ordinal).ToArray();
        _variants = ordered.Select(v => v.Key).ToArray();
        _cumulative = new long[ordered.Length];
        long total = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            total += ordered[i].Value;
            _cumulative[i] = total;
        }
    }

    public string Name => _name;

    public static ulong Hash(string tenant, string learner, string experiment)
    {
        var length = Encoding.UTF8.GetMaxByteCount(tenant.Length + learner.Length + experiment.Length + 2);
        var rented = length <= 1024 ? null : new byte[length];
        Span<byte> buffer = rented ?? stackalloc byte[1024];
        var n = Encoding.UTF8.GetBytes(tenant, buffer);
        buffer[n++] = (byte)'\n';
        n += Encoding.UTF8.GetBytes(learner, buffer[n..]);
        buffer[n++] = (byte)'\n';
        n += Encoding.UTF8.GetBytes(experiment, buffer[n..]);
        return XxHash3.HashToUInt64(buffer[..n]);
    }

    public string Assign(TenantId tenant, LearnerId learner)
    {
        var total = _cumulative[^1];
        var bucket = (long)(Hash(tenant.Value, learner.Value, _name) % (ulong)total);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (bucket < _cumulative[i])
            {
                return _variants[i];
            }
        }

        return _variants[^1];
    }
}
