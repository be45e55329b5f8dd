using System.Collections.Frozen;
using Exim.Abstractions.Config;
using Exim.Abstractions.Transports;
using Exim.Host.Configuration;
using Exim.Host.Plugins;

namespace Exim.Host.Transports;

/// <summary>
/// A built-in transport driver (<c>smtp</c>, <c>maildir</c>), registered by the host under its name in the registry
/// plugins' drivers share. Its options are bound onto <see cref="TransportConfig"/> through the core's option table, so
/// their errors keep their wording and place (<c>option "port" is not valid for the maildir driver</c>,
/// <c>invalid value for "port" in transports "remote_smtp": ...</c>), and <c>-bP transport</c> prints them.
/// </summary>
internal sealed class BuiltInTransportDriver(string driver, Func<TransportConfig, ITransport> create) : ITransportDriver
{
    public string Driver => driver;

    public ITransport Create(TransportDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<ConfigDiagnostic>();
        var config = Bind(definition.Name, driver, (PluginOptions)definition.Options, errors);
        if (errors.Count > 0) throw new ConfigErrorsException([.. errors]);
        return create(config);
    }

    /// <summary>Binds the options nobody has read yet (the core's own are read first) onto the driver's option table.</summary>
    public static TransportConfig Bind(string name, string driver, PluginOptions options, List<ConfigDiagnostic> errors)
        => OptionBinder.Bind<TransportConfig>(options.ConfigPath, options.TakeUnread(), options.Where, driver, FrozenSet<string>.Empty, errors)
            with { Name = name, Driver = driver };
}
