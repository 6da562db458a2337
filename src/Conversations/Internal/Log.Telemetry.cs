using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <content>Log messages of the telemetry samplers (event ids 90–99).</content>
internal static partial class Log
{
    [LoggerMessage(90, LogLevel.Debug, "Sampling the trigger backlog for the metrics failed; the gauges keep the last sample.")]
    public static partial void BacklogSampleFailed(ILogger logger, Exception exception);
}
