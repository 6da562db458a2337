using Microsoft.Extensions.Options;

namespace Conversations.Assets.S3;

[OptionsValidator]
internal sealed partial class S3AssetOptionsValidator : IValidateOptions<S3AssetOptions>
{
}
