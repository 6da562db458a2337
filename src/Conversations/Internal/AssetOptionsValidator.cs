using Microsoft.Extensions.Options;

namespace Conversations.Internal;

[OptionsValidator]
internal sealed partial class AssetOptionsAnnotationsValidator : IValidateOptions<AssetOptions>
{
}

/// <summary>The checks data annotations cannot express: lifetimes and media-type lists.</summary>
internal sealed class AssetOptionsValidator : IValidateOptions<AssetOptions>
{
    public static ValidateOptionsResult ValidateAll(AssetOptions options)
    {
        var failures = new List<string>();
        foreach (var result in new[] { new AssetOptionsAnnotationsValidator().Validate(null, options), new AssetOptionsValidator().Validate(null, options) })
        {
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, AssetOptions options)
    {
        var failures = new List<string>();
        Lifetime(options.UrlLifetime, nameof(options.UrlLifetime), TimeSpan.FromDays(7));
        Lifetime(options.PendingLifetime, nameof(options.PendingLifetime), TimeSpan.FromDays(7));
        Lifetime(options.SweepInterval, nameof(options.SweepInterval), TimeSpan.FromDays(1));
        foreach (var type in options.AllowedMediaTypes)
        {
            if (!MediaTypes.IsPattern(type))
            {
                failures.Add($"AllowedMediaTypes: '{type}' is not a media type ('type/subtype' or 'type/*').");
            }
        }

        foreach (var type in options.InlineMediaTypes)
        {
            if (!MediaTypes.TryNormalize(type, out var normalized))
            {
                failures.Add($"InlineMediaTypes: '{type}' is not a media type.");
            }
            else if (MediaTypes.IsActive(normalized))
            {
                failures.Add($"InlineMediaTypes: '{type}' can carry script (HTML, SVG, XML, JavaScript) and is never served inline.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Lifetime(TimeSpan value, string property, TimeSpan max)
        {
            if (value < TimeSpan.FromSeconds(1) || value > max)
            {
                failures.Add($"{property} must be between 1 second and {max}; it is {value}.");
            }
        }
    }
}
