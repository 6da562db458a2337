using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Internal;

/// <summary>Wraps a registered service in a decorator, keeping the registration's lifetime.</summary>
internal static class ServiceDecoration
{
    /// <summary>Replaces the last registration of <typeparamref name="TService"/> with <paramref name="decorate"/> applied to it.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TService"/> is not registered.</exception>
    public static void Decorate<TService>(IServiceCollection services, Func<TService, IServiceProvider, TService> decorate)
        where TService : class
    {
        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(TService) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new InvalidOperationException($"{typeof(TService).Name} is not registered: call services.AddConversations() first.");
        }

        var registered = services[index];
        Func<IServiceProvider, TService> inner = registered switch
        {
            { ImplementationInstance: TService instance } => _ => instance,
            { ImplementationFactory: { } factory } => sp => (TService)factory(sp),
            { ImplementationType: { } type } => sp => (TService)ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException($"The registration of {typeof(TService).Name} cannot be decorated."),
        };
        services[index] = ServiceDescriptor.Describe(typeof(TService), sp => decorate(inner(sp), sp), registered.Lifetime);
    }
}
