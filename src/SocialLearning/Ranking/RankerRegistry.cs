using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Ranking;

/// <summary>A ranker registered by name; the last registration of a name wins.</summary>
internal sealed record RankerRegistration<TRanker>(string Name, Func<IServiceProvider, TRanker> Factory)
    where TRanker : class;

/// <summary>Rankers of one task by name, created on first use.</summary>
internal class RankerRegistry<TRanker>
    where TRanker : class
{
    private readonly Dictionary<string, LazyRanker> _rankers = new(StringComparer.Ordinal);
    private readonly string _task;

    public RankerRegistry(IServiceProvider services, IEnumerable<RankerRegistration<TRanker>> registrations, string task)
    {
        _task = task;
        foreach (var registration in registrations)
        {
            var r = registration;
            _rankers[r.Name] = new LazyRanker(r.Factory, services);
        }
    }

    public IReadOnlyCollection<string> Names => _rankers.Keys;

    public bool Contains(string name) => _rankers.ContainsKey(name);

    public TRanker Get(string name, string field = "request.Ranker") =>
        _rankers.TryGetValue(name, out var ranker)
            ? ranker.Get()
            : throw new ArgumentException(
                $"{field} '{name}' is not a registered {_task} ranker. Registered: {string.Join(", ", _rankers.Keys.Order(StringComparer.Ordinal))}.",
                field);

    private sealed class LazyRanker(Func<IServiceProvider, TRanker> factory, IServiceProvider services)
    {
        private readonly Lock _gate = new();
        private TRanker? _value;

        public TRanker Get()
        {
            if (Volatile.Read(ref _value) is { } value)
            {
                return value;
            }

            lock (_gate)
            {
                _value ??= factory(services);
                return _value;
            }
        }
    }
}

internal sealed class TipRankerRegistry(IServiceProvider services, IEnumerable<RankerRegistration<ITipRanker>> registrations)
    : RankerRegistry<ITipRanker>(services, registrations, "tip");

internal sealed class PeerRankerRegistry(IServiceProvider services, IEnumerable<RankerRegistration<IPeerRanker>> registrations)
    : RankerRegistry<IPeerRanker>(services, registrations, "peer");

internal sealed class StepRankerRegistry(IServiceProvider services, IEnumerable<RankerRegistration<ILearningStepRanker>> registrations)
    : RankerRegistry<ILearningStepRanker>(services, registrations, "learning-step");

internal static class RankerFactory
{
    public static Func<IServiceProvider, TRanker> Of<TRanker, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>()
        where TRanker : class
        where TImplementation : class, TRanker =>
        static sp => ActivatorUtilities.GetServiceOrCreateInstance<TImplementation>(sp);
}
