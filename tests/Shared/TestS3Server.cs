namespace Conversations.TestSupport;

/// <summary>An S3-compatible server for tests: where it listens, its credentials and a bucket that exists.</summary>
/// <param name="Endpoint">The service URL, such as <c>http://127.0.0.1:4591</c>.</param>
/// <param name="AccessKey">The access key id.</param>
/// <param name="SecretKey">The secret access key.</param>
/// <param name="Bucket">The bucket the tests write to.</param>
internal sealed record TestS3Server(Uri Endpoint, string AccessKey, string SecretKey, string Bucket);
