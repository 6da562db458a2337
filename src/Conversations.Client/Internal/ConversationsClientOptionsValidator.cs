using Microsoft.Extensions.Options;

namespace Conversations.Client.Internal;

[OptionsValidator]
internal sealed partial class ConversationsClientOptionsValidator : IValidateOptions<ConversationsClientOptions>
{
    public static void ThrowIfInvalid(ConversationsClientOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new ConversationsClientOptionsValidator().Validate(null, options));
        if (options.Url is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("ws" or "wss" or "http" or "https")))
        {
            builder.AddError("Must be an absolute ws://, wss://, http:// or https:// URI.", nameof(options.Url));
        }

        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddError("Must be positive or infinite.", nameof(options.RequestTimeout));
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            builder.AddError("Must be positive.", nameof(options.ConnectTimeout));
        }

        var result = builder.Build();
        if (result.Failed)
        {
            throw new OptionsValidationException(string.Empty, typeof(ConversationsClientOptions), result.Failures);
        }
    }
}
