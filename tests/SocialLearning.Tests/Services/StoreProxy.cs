using System.Reflection;
using System.Runtime.ExceptionServices;

namespace SocialLearning.Tests.Services;

/// <summary>
/// A store made with <see cref="DispatchProxy"/> that forwards every call to an inner store; tests override
/// <see cref="Invoke"/> to count, slow down or fail some calls and <see cref="Forward"/> the rest.
/// </summary>
public abstract class StoreProxy : DispatchProxy
{
    protected ISocialLearningStore Inner { get; private set; } = null!;

    /// <summary>A proxy of type <typeparamref name="TProxy"/> over <paramref name="inner"/>.</summary>
    protected static (ISocialLearningStore Store, TProxy Proxy) Wrap<TProxy>(ISocialLearningStore inner)
        where TProxy : StoreProxy
    {
        var store = Create<ISocialLearningStore, TProxy>();
        var proxy = (TProxy)(object)store;
        proxy.Inner = inner;
        return (store, proxy);
    }

    /// <summary>Calls the inner store, rethrowing its exception as it was.</summary>
    protected object? Forward(MethodInfo targetMethod, object?[]? args)
    {
        try
        {
            return targetMethod.Invoke(Inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
