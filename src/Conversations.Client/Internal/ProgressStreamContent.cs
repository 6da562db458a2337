using System.Net;

namespace Conversations.Client.Internal;

/// <summary>An HTTP body read from a stream in chunks, reporting the bytes sent so far.</summary>
internal sealed class ProgressStreamContent(Stream content, long length, IProgress<long>? progress) : HttpContent
{
    private const int ChunkSize = 64 * 1024;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        long sent = 0;
        while (sent < length)
        {
            var n = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"The stream ended after {sent} of {length} bytes.");
            }

            await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            sent += n;
            progress?.Report(sent);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}
