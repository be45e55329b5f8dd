using System.Runtime.CompilerServices;
using Exim.Abstractions.Config;
using Exim.Abstractions.Diagnostics;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Exim.Host.Metrics;

/// <summary>
/// The daemon's metrics exporters, with OpenTelemetry's own SDK and exporters: the Prometheus scrape endpoint
/// (<c>metrics_prometheus_listen</c>, served by its HttpListener) and OTLP (<c>metrics_otlp_endpoint</c>). They read the
/// <see cref="EximMetrics.MeterName"/> meter and every plugin meter (<c>Exim.*</c>). A reload that changes either option
/// replaces the exporters; one that does not leaves them alone. Nothing runs when both are empty (dotnet-counters needs none of this).
/// </summary>
internal sealed partial class MetricsExport(ILogger logger) : IDisposable
{
    private IDisposable? _provider; // a MeterProvider; typed loosely so OpenTelemetry's assemblies load only when exporting
    private (System.Net.IPEndPoint? Prometheus, string Otlp) _current = (null, "");

    /// <summary>Starts, replaces or stops the exporters for <paramref name="main"/> (already validated).</summary>
    public void Apply(MainOptions main)
    {
        var prometheus = PrometheusEndpoint.Parse(main, out _);
        var wanted = (prometheus, main.MetricsOtlpEndpoint.Trim());
        if (Equals(wanted.prometheus, _current.Prometheus) && wanted.Item2 == _current.Otlp) return;
        _provider?.Dispose();
        _provider = null;
        _current = wanted;
        if (prometheus is null && wanted.Item2.Length == 0) return;
        try
        {
            _provider = Build(prometheus, wanted.Item2);
            if (prometheus is not null) PrometheusListening(logger, $"http://{PrometheusEndpoint.Host(prometheus)}:{prometheus.Port}/metrics");
            if (wanted.Item2.Length > 0) OtlpExporting(logger, wanted.Item2);
        }
        catch (Exception e) when (e is System.Net.HttpListenerException or InvalidOperationException or UriFormatException)
        {
            ExportFailed(logger, e);
            _current = (null, "");
        }
    }

    public void Dispose() => _provider?.Dispose();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IDisposable Build(System.Net.IPEndPoint? prometheus, string otlp)
    {
        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(EximMetrics.MeterName, EximMetrics.PluginMeterPrefix + "*");
        if (prometheus is not null)
        {
            builder.AddPrometheusHttpListener(o =>
            {
                o.Host = PrometheusEndpoint.Host(prometheus);
                o.Port = prometheus.Port;
            });
        }
        if (otlp.Length > 0)
        {
            builder.AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(otlp);
                o.Protocol = OtlpExportProtocol.Grpc;
            });
        }
        return builder.Build();
    }

    [LoggerMessage(EventIds.MetricsPrometheus, LogLevel.Information, "metrics: Prometheus scrape endpoint on {Uri}")]
    private static partial void PrometheusListening(ILogger logger, string uri);

    [LoggerMessage(EventIds.MetricsOtlp, LogLevel.Information, "metrics: exporting with OTLP to {Endpoint}")]
    private static partial void OtlpExporting(ILogger logger, string endpoint);

    [LoggerMessage(EventIds.MetricsFailed, LogLevel.Error, "metrics: the exporters could not start")]
    private static partial void ExportFailed(ILogger logger, Exception exception);
}
