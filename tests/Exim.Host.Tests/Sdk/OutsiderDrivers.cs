namespace Exim.Host.Tests.Sdk;

/// <summary>
/// What an author outside the repository writes for <see cref="PluginSdkTests"/>' driver test, in the project the template
/// made (its policy code replaced): a router driver that sends the addresses whose local part has its prefix to its
/// transport, and a transport driver that writes each message to a file.
/// </summary>
internal static class OutsiderDrivers
{
    public const string Source = """
        using System.Collections.Immutable;
        using Exim.Abstractions.Plugins;
        using Exim.Abstractions.Routing;
        using Exim.Abstractions.Transports;

        namespace MyPlugin;

        public sealed class Plugin : IEximPlugin
        {
            public void Register(IPluginRegistrar registrar, IPluginContext context)
            {
                registrar.Add<IRouterDriver>("acme_router", new RouterDriver());
                registrar.Add<ITransportDriver>("acme_files", new FilesDriver());
            }
        }

        internal sealed class RouterDriver : IRouterDriver
        {
            public IRouter Create(RouterDefinition definition)
            {
                var prefix = definition.Options.GetString("local_part_prefix") ?? "";
                return new Router(prefix);
            }

            private sealed class Router(string prefix) : IRouter
            {
                public ValueTask<RouterResult> RouteAsync(RoutingRequest request, CancellationToken cancellationToken)
                    => ValueTask.FromResult(request.LocalPart.StartsWith(prefix, StringComparison.Ordinal)
                        ? RouterResult.Accept()
                        : RouterResult.Decline());
            }
        }

        internal sealed class FilesDriver : ITransportDriver
        {
            public ITransport Create(TransportDefinition definition)
            {
                var directory = definition.Options.GetString("directory") ?? throw definition.Options.Invalid("directory", "is required");
                return new Files(Path.GetFullPath(directory, definition.Main.ConfigDirectory));
            }

            private sealed class Files(string directory) : ITransport
            {
                public bool IsRemote => false;
                public int MaxRecipients => 10;

                public async ValueTask<TransportResult> DeliverAsync(TransportRequest request, CancellationToken cancellationToken)
                {
                    Directory.CreateDirectory(directory);
                    var outcomes = ImmutableArray.CreateBuilder<RecipientOutcome>();
                    foreach (var recipient in request.Recipients)
                    {
                        await using (var file = File.Create(Path.Combine(directory, $"{recipient.LocalPart}.{request.Message.Id}.eml")))
                        {
                            await request.Message.WriteToAsync(file, MessageWriteOptions.ReturnPath, cancellationToken);
                        }
                        outcomes.Add(RecipientOutcome.Delivered(recipient.Address, "written by acme"));
                    }
                    return new TransportResult(outcomes.ToImmutable());
                }
            }
        }
        """;
}
