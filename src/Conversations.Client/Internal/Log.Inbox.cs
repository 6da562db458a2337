using Microsoft.Extensions.Logging;

namespace Conversations.Client.Internal;

internal static partial class Log
{
    [LoggerMessage(360, LogLevel.Warning, "The reader of the inbox subscription fell behind and events were dropped; subscribing again with the {Rooms} entries it has.")]
    public static partial void InboxOverflowed(ILogger logger, int rooms);
}
