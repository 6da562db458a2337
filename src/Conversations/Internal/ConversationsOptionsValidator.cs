using Microsoft.Extensions.Options;

namespace Conversations.Internal;

[OptionsValidator]
internal sealed partial class ConversationsOptionsValidator : IValidateOptions<ConversationsOptions>
{
}
