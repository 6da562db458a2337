using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Conversations.SampleHost;

/// <summary>
/// Exports the library's traces and metrics (and ASP.NET Core's) by configuration: <c>Telemetry:Exporter</c> is
/// <c>none</c> (the default), <c>console</c>, or <c>otlp</c> (to <c>Telemetry:OtlpEndpoint</c>, else the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, else http://localhost:4317).
/// </summary>
internal static class SampleTelemetry
{
    public static void AddSampleTelemetry(this WebApplicationBuilder builder)
    {
        var exporter = builder.Configuration["Telemetry:Exporter"] ?? "none";
        var endpoint = builder.Configuration["Telemetry:OtlpEndpoint"];
        if (exporter.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var console = exporter.Equals("console", StringComparison.OrdinalIgnoreCase);
        if (!console && !exporter.Equals("otlp", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Telemetry:Exporter is \"{exporter}\"; use none, console or otlp.");
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("Conversations.SampleHost"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(ConversationsDiagnostics.ActivitySourceName, "Microsoft.AspNetCore");
                if (console) tracing.AddConsoleExporter();
                else tracing.AddOtlpExporter(o => { if (endpoint is { Length: > 0 }) o.Endpoint = new Uri(endpoint); });
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ConversationsDiagnostics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                if (console) metrics.AddConsoleExporter();
                else metrics.AddOtlpExporter(o => { if (endpoint is { Length: > 0 }) o.Endpoint = new Uri(endpoint); });
            });
    }
}
