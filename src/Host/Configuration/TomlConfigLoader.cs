using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Exim.Abstractions.Config;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Serialization;

namespace Exim.Host.Configuration;

/// <summary>
/// Reads <c>exim.toml</c>: TOML syntax and semantics (duplicate keys and tables) first, then every section
/// against its option table. Unknown keys are errors. All errors are reported together, each with
/// file:line:column where there is one. Loading never touches global state, so a failed reload changes nothing.
/// </summary>
internal static class TomlConfigLoader
{
    private static readonly FrozenSet<string> Sections = FrozenSet.Create(StringComparer.Ordinal, "plugins", "routers", "transports", "retry", "hooks", "authenticators");
    private static readonly FrozenSet<string> NoSkip = FrozenSet<string>.Empty;

    /// <summary>Exim's hidden router options that set two options at once; each of those, set explicitly, wins.</summary>
    private static readonly FrozenSet<string> RouterComposites = FrozenSet.Create(StringComparer.Ordinal, "verify", "fail_verify");

    public static ConfigLoadResult Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(new ConfigDiagnostic(fullPath, 0, 0, $"cannot read configuration file: {e.Message}"));
        }
        return Parse(text, fullPath);
    }

    public static ConfigLoadResult Parse(string text, string fullPath)
    {
        var syntax = SyntaxParser.Parse(text, fullPath, validate: true);
        if (syntax.HasErrors)
        {
            return Fail([.. syntax.Diagnostics
                .Where(d => d.Kind == Tomlyn.Syntax.DiagnosticMessageKind.Error)
                .Select(d => new ConfigDiagnostic(fullPath, d.Span.Start.Line + 1, d.Span.Start.Column + 1, d.Message))
                .Distinct()]);
        }

        if (SplitTableArrays(syntax, fullPath) is { Count: > 0 } split) return Fail([.. split]);

        var metadata = new TomlMetadataStore();
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { SourceName = fullPath, MetadataStore = metadata })!;
        }
        catch (TomlException e)
        {
            return Fail(new ConfigDiagnostic(fullPath, e.Line ?? 0, e.Column ?? 0, e.Message));
        }

        var source = new TomlSource(fullPath, root, metadata);
        var errors = new List<ConfigDiagnostic>();
        var main = OptionBinder.Bind<MainOptions>(source, root, "", null, Sections, errors);
        main = Complete(main, source, root, errors);
        var transportSections = ReadTransports(source, root, errors);
        ImmutableArray<TransportConfig> transports = [.. transportSections.Select(t => new TransportConfig { Name = t.Name, Driver = t.Driver })];
        var (routers, routerSections) = ReadRouters(source, root, errors);
        routers = ApplyComposites(source, root, routers, errors);
        var listFiles = ReadListFiles(source, root, routers, errors);
        var retry = BindArray<RetryConfig>(source, root, "retry", null, errors);
        var plugins = ReadPlugins(source, root, errors);
        var hooks = BindHooks(source, root, errors);
        var authenticators = ReadAuthenticators(source, root, errors);
        CheckRouterTransports(source, root, routers, transports, errors);
        CheckRouterSelf(source, root, routers, errors);
        CheckDeliveryOptions(source, root, retry, errors);

        if (errors.Count > 0) return Fail([.. errors]);
        var config = new EximConfig
        {
            SourcePath = fullPath,
            Revision = Revision(text, listFiles),
            Main = main,
            Routers = routers,
            Transports = transports,
            Retry = retry,
            Plugins = [.. plugins.Select(p => new PluginDeclaration(p.Name, p.AssemblyPath))],
            Hooks = hooks,
            ListFiles = listFiles,
        };
        var hooksTable = root.TryGetValue("hooks", out var h) ? h as TomlTable : null;
        return new ConfigLoadResult(new LoadedConfig(config, plugins)
        {
            Authenticators = authenticators,
            Transports = transportSections,
            Routers = routerSections,
            AtHooksOrder = hooksTable is null ? message => source.File(message) : message => source.At(hooksTable, "order", message),
            AtMainOption = (key, message) => source.At(root, key, message),
        }, []);
    }

    /// <summary>
    /// The TLS options that can be checked without reading the certificates (those are read when the generation is
    /// built, so a reload reads them afresh): the cipher names, the protocol, pairs of files, TLS ports with a certificate.
    /// Relative paths are taken from the configuration file's directory.
    /// </summary>
    private static MainOptions CompleteTls(MainOptions main, TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        if (main.TlsMinProtocol is not ("TLS1.2" or "TLS1.3"))
        {
            errors.Add(source.At(root, "tls_min_protocol", $"invalid value for \"tls_min_protocol\": \"{main.TlsMinProtocol}\" (expected \"TLS1.2\" or \"TLS1.3\")"));
        }
        if (!main.TlsPrivatekey.IsEmpty && main.TlsPrivatekey.Length != main.TlsCertificate.Length)
        {
            errors.Add(source.At(root, "tls_privatekey", $"tls_privatekey names {main.TlsPrivatekey.Length} file(s) but tls_certificate names {main.TlsCertificate.Length}: they pair by position"));
        }
        if (main.TlsCertificate.IsEmpty && !main.TlsOnConnectPorts.IsEmpty)
        {
            errors.Add(source.At(root, "tls_on_connect_ports", "tls_on_connect_ports is set but tls_certificate is not"));
        }
        var directory = Path.GetDirectoryName(source.Path)!;
        return main with
        {
            TlsCertificate = [.. main.TlsCertificate.Select(p => Path.GetFullPath(p, directory))],
            TlsPrivatekey = [.. main.TlsPrivatekey.Select(p => Path.GetFullPath(p, directory))],
            TlsVerifyCertificates = main.TlsVerifyCertificates == "system" ? "system" : Path.GetFullPath(main.TlsVerifyCertificates, directory),
        };
    }

    private static ConfigLoadResult Fail(params ImmutableArray<ConfigDiagnostic> errors) => new(null, errors);

    /// <summary>
    /// TOML lets an array of tables (<c>[[routers]]</c>) continue after other tables, but the deserializer then keeps
    /// only the later part and silently drops the earlier routers. Until that is fixed upstream such a file is refused
    /// with the place of the continuation, so nothing is ever lost without a word.
    /// </summary>
    private static List<ConfigDiagnostic> SplitTableArrays(Tomlyn.Syntax.DocumentSyntax syntax, string fullPath)
    {
        var errors = new List<ConfigDiagnostic>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        string? previous = null;
        foreach (var table in syntax.Tables)
        {
            var name = table.Name?.Key?.ToString()?.Trim().Trim('"', '\'') ?? "";
            var line = table.Span.Start.Line + 1;
            if (table is Tomlyn.Syntax.TableArraySyntax && table.Name?.DotKeys.ChildrenCount is null or 0)
            {
                if (firstLine.TryGetValue(name, out var first) && previous != name)
                {
                    errors.Add(new ConfigDiagnostic(fullPath, line, table.Span.Start.Column + 1,
                        $"[[{name}]] continues the [[{name}]] tables begun at line {first} after other tables: keep all [[{name}]] tables together"));
                }
                firstLine.TryAdd(name, line);
            }
            previous = name;
        }
        return errors;
    }

    /// <summary>Fills computed defaults and applies Exim's start-up clamps and cross-option rules.</summary>
    private static MainOptions Complete(MainOptions main, TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        // Not Exim's clamp to 4096 (one process per session): the daemon cuts it to what its descriptors allow (SessionCapacity).
        var acceptMax = main.SmtpAcceptMax;
        if (acceptMax == 0 && (main.SmtpAcceptQueue > 0 || main.SmtpAcceptMaxPerHost > 0))
        {
            var key = root.ContainsKey("smtp_accept_queue") ? "smtp_accept_queue" : "smtp_accept_max_per_host";
            errors.Add(source.At(root, key, "smtp_accept_max must be set if smtp_accept_queue or smtp_accept_max_per_host is set"));
        }
        if (main.SpoolSync is not ("filesystem" or "file"))
        {
            errors.Add(source.At(root, "spool_sync", $"invalid value for \"spool_sync\": \"{main.SpoolSync}\" (expected \"filesystem\" or \"file\")"));
        }
        if (main.NotifierSocket.Length > 0 && !main.NotifierSocket.StartsWith("$spool_directory", StringComparison.Ordinal) && !Path.IsPathRooted(main.NotifierSocket))
        {
            errors.Add(source.At(root, "notifier_socket", "notifier_socket must be an absolute path or start with $spool_directory"));
        }
        if (main.PidFilePath.Length > 200)
        {
            errors.Add(source.At(root, "pid_file_path", "pid file path is longer than 200 characters"));
        }
        if (main.LocalSenderRetain && main.LocalFromCheck)
        {
            errors.Add(source.At(root, "local_sender_retain", "both local_from_check and local_sender_retain are set; this combination is not permitted"));
        }
        if (Mail.Matching.AddressList.Unsupported(main.UntrustedSetSender) is { } item)
        {
            errors.Add(source.At(root, "untrusted_set_sender", $"untrusted_set_sender: \"{item}\" is a file or lookup item, which is not supported here"));
        }
        if (main.SubmissionSocket.Length > 0 && main.SubmissionSocket[0] != '@')
        {
            main = main with { SubmissionSocket = Path.GetFullPath(main.SubmissionSocket, Path.GetDirectoryName(source.Path)!) };
        }
        main = CompleteTls(main, source, root, errors);
        CheckEximIdentity(main, source, root, errors);
        var primary = main.PrimaryHostname.Length > 0 ? main.PrimaryHostname : System.Net.Dns.GetHostName();
        var qualifyDomain = main.QualifyDomain.Length > 0 ? main.QualifyDomain : primary;
        return main with
        {
            PrimaryHostname = primary,
            QualifyDomain = qualifyDomain,
            QualifyRecipient = main.QualifyRecipient.Length > 0 ? main.QualifyRecipient : qualifyDomain,
            SmtpAcceptMax = acceptMax,
            SmtpAcceptQueue = main.SmtpAcceptQueue > acceptMax ? 0 : main.SmtpAcceptQueue,
            AuthAdvertiseHostsSet = root.ContainsKey("auth_advertise_hosts"),
        };
    }

    /// <summary>exim_user and exim_group must exist (Exim refuses an unknown user when it reads its configuration).</summary>
    private static void CheckEximIdentity(MainOptions main, TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        try
        {
            _ = Security.EximIdentity.From(main, (key, message) => source.At(root, key, message));
        }
        catch (EximConfigException e)
        {
            errors.Add(e.Diagnostic);
        }
    }

    private static ImmutableArray<T> BindArray<T>(TomlSource source, TomlTable root, string key,
        FrozenSet<string>? drivers, List<ConfigDiagnostic> errors, FrozenSet<string>? skip = null) where T : new()
    {
        if (!root.TryGetValue(key, out var raw)) return [];
        if (raw is not TomlTableArray array)
        {
            errors.Add(source.At(root, key, $"\"{key}\" must be an array of tables ([[{key}]])"));
            return [];
        }
        var result = ImmutableArray.CreateBuilder<T>(array.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var table = array[i];
            string? driver = null;
            var section = $"{key}[{i + 1}]";
            if (drivers is not null)
            {
                var nameText = table.TryGetValue("name", out var n) && n is string s ? s : null;
                if (nameText is null)
                {
                    errors.Add(source.At(root, key, $"{section} has no name"));
                }
                else
                {
                    section = $"{key} \"{nameText}\"";
                    if (!names.Add(nameText)) errors.Add(source.At(table, "name", $"{key} \"{nameText}\" is defined twice"));
                }
                driver = table.TryGetValue("driver", out var d) && d is string ds ? ds : null;
                if (driver is null)
                {
                    errors.Add(nameText is null ? source.At(root, key, $"{section} has no driver") : source.At(table, "name", $"{section} has no driver"));
                    continue;
                }
                if (!drivers.Contains(driver))
                {
                    errors.Add(source.At(table, "driver", $"unknown driver \"{driver}\" in {section} (known: {string.Join(", ", drivers.Order())})"));
                    continue;
                }
            }
            result.Add(OptionBinder.Bind<T>(source, table, section, driver, skip ?? NoSkip, errors));
        }
        return result.ToImmutable();
    }

    private static HooksConfig BindHooks(TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("hooks", out var raw)) return new HooksConfig();
        if (raw is not TomlTable table)
        {
            errors.Add(source.At(root, "hooks", "\"hooks\" must be a table ([hooks])"));
            return new HooksConfig();
        }
        var hooks = OptionBinder.Bind<HooksConfig>(source, table, "[hooks]", null, NoSkip, errors);
        if (hooks.Timeout <= TimeSpan.Zero || hooks.Timeout > TimeSpan.FromMinutes(1))
        {
            errors.Add(source.At(table, "timeout", "invalid value for \"timeout\" in [hooks]: must be more than 0 and at most 1m"));
        }
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in hooks.Order)
        {
            if (name.Length == 0) errors.Add(source.At(table, "order", "invalid value for \"order\" in [hooks]: an empty name"));
            else if (!named.Add(name)) errors.Add(source.At(table, "order", $"invalid value for \"order\" in [hooks]: \"{name}\" is named twice"));
        }
        var anyStageScript = Enum.GetValues<Abstractions.Policy.SmtpStage>().Any(s => hooks.ScriptFor(s) is not null);
        if (anyStageScript && !named.Contains(HooksConfig.Scripts))
        {
            errors.Add(source.At(table, "order", $"invalid value for \"order\" in [hooks]: scripts are configured but \"{HooksConfig.Scripts}\" is not in the order, so they would never run"));
        }
        return hooks;
    }

    /// <summary>The revision: a hash of the file's text and of every list file it names, so a reload that re-read a changed list shows a new one.</summary>
    private static string Revision(string text, IReadOnlyDictionary<string, ImmutableArray<string>> listFiles)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(text));
        foreach (var (path, lines) in listFiles.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\0{path}\0{string.Join('\n', lines)}"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    /// <summary>
    /// The <c>[[routers]]</c> tables: each needs a unique name and a driver. The generic options (<see cref="RouterConfig"/>)
    /// are bound and checked here; every key of the table is also kept, with its position, for the driver, which reads its
    /// own options when the generation is built (where an unknown driver or a key nobody read is an error).
    /// </summary>
    private static (ImmutableArray<RouterConfig>, ImmutableArray<RouterSection>) ReadRouters(TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("routers", out var raw)) return ([], []);
        if (raw is not TomlTableArray array)
        {
            errors.Add(source.At(root, "routers", "\"routers\" must be an array of tables ([[routers]])"));
            return ([], []);
        }
        var generic = OptionTable.For<RouterConfig>().ByName;
        var routers = ImmutableArray.CreateBuilder<RouterConfig>(array.Count);
        var sections = ImmutableArray.CreateBuilder<RouterSection>(array.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var table = array[i];
            var section = $"routers[{i + 1}]";
            var nameText = table.TryGetValue("name", out var n) && n is string s ? s : null;
            if (nameText is null)
            {
                errors.Add(source.At(root, "routers", $"{section} has no name"));
            }
            else
            {
                section = $"routers \"{nameText}\"";
                if (!names.Add(nameText)) errors.Add(source.At(table, "name", $"routers \"{nameText}\" is defined twice"));
            }
            if (!table.TryGetValue("driver", out var d) || d is not string driver)
            {
                errors.Add(nameText is null ? source.At(root, "routers", $"{section} has no driver") : source.At(table, "name", $"{section} has no driver"));
                continue;
            }
            // The driver's keys are skipped here and read by the driver; the composites are applied below.
            var driverKeys = table.Keys.Where(k => !generic.ContainsKey(k) || RouterComposites.Contains(k)).ToFrozenSet(StringComparer.Ordinal);
            var router = OptionBinder.Bind<RouterConfig>(source, table, section, null, driverKeys, errors);
            routers.Add(router);
            var options = new Dictionary<string, RawOption>(StringComparer.Ordinal);
            foreach (var (key, value) in table)
            {
                var at = source.At(table, key, "");
                options[key] = new RawOption(value, at.Line, at.Column);
            }
            var driverAt = source.At(table, "driver", "");
            sections.Add(new RouterSection(router.Name, driver, source.Path, (driverAt.Line, driverAt.Column), options.ToFrozenDictionary(StringComparer.Ordinal)));
        }
        return (routers.ToImmutable(), sections.ToImmutable());
    }

    /// <summary>
    /// Exim's <c>verify</c> and <c>fail_verify</c> set both their sender and recipient options. In TOML a table has no
    /// order, so <c>verify_sender</c> or <c>verify_recipient</c> given beside <c>verify</c> wins over it.
    /// </summary>
    private static ImmutableArray<RouterConfig> ApplyComposites(TomlSource source, TomlTable root, ImmutableArray<RouterConfig> routers,
        List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("routers", out var raw) || raw is not TomlTableArray tables) return routers;
        var result = ImmutableArray.CreateBuilder<RouterConfig>(routers.Length);
        foreach (var router in routers)
        {
            var r = router;
            if (RouterTable(tables, router.Name) is { } table)
            {
                if (Composite(table, "verify", "verify_sender", "verify_recipient") is var (sender, recipient))
                {
                    r = r with { VerifySender = sender ?? r.VerifySender, VerifyRecipient = recipient ?? r.VerifyRecipient };
                }
                if (Composite(table, "fail_verify", "fail_verify_sender", "fail_verify_recipient") is var (failSender, failRecipient))
                {
                    r = r with { FailVerifySender = failSender ?? r.FailVerifySender, FailVerifyRecipient = failRecipient ?? r.FailVerifyRecipient };
                }
            }
            result.Add(r);
        }
        return result.MoveToImmutable();

        (bool? Sender, bool? Recipient)? Composite(TomlTable table, string key, string senderKey, string recipientKey)
        {
            if (!table.TryGetValue(key, out var value)) return null;
            if (value is not bool b)
            {
                var name = table.TryGetValue("name", out var n) ? n as string : "?";
                errors.Add(source.At(table, key, $"invalid value for \"{key}\" in routers \"{name}\": expected true or false, found {TomlValues.Describe(value)}"));
                return null;
            }
            return (table.ContainsKey(senderKey) ? null : b, table.ContainsKey(recipientKey) ? null : b);
        }
    }

    /// <summary>
    /// Reads the files named in the routers' <c>local_parts</c> and compiles each list, so that a missing file, a bad
    /// regular expression or an unsupported item is an error with its position now (Exim would find a missing file only
    /// when an address reached the router, and die).
    /// </summary>
    private static IReadOnlyDictionary<string, ImmutableArray<string>> ReadListFiles(TomlSource source, TomlTable root,
        ImmutableArray<RouterConfig> routers, List<ConfigDiagnostic> errors)
    {
        var files = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        if (!root.TryGetValue("routers", out var raw) || raw is not TomlTableArray tables) return files;
        foreach (var router in routers)
        {
            if (router.LocalParts.IsEmpty || RouterTable(tables, router.Name) is not { } table) continue;
            var read = true;
            foreach (var path in Exim.Mail.Matching.LocalPartList.FileNames(router.LocalParts))
            {
                if (files.ContainsKey(path)) continue;
                try
                {
                    files[path] = [.. File.ReadAllLines(path)];
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.Add(source.At(table, "local_parts", $"{router.Name} router: failed to open {path} when checking local_parts: {OpenError(path, e)}"));
                    read = false;
                }
            }
            if (read && !Exim.Mail.Matching.LocalPartList.TryCreate(router.LocalParts, files, out _, out var error))
            {
                errors.Add(source.At(table, "local_parts", $"{router.Name} router: {error}"));
            }
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The strerror text Exim would show.</summary>
    private static string OpenError(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException when Directory.Exists(path) => "Is a directory",
        UnauthorizedAccessException => "Permission denied",
        _ => e.Message,
    };

    private static TomlTable? RouterTable(TomlTableArray tables, string name)
        => tables.FirstOrDefault(t => t.TryGetValue("name", out var n) && n as string == name);

    /// <summary>Exim's route_init check of <c>self</c>: freeze, defer, fail, send, pass, or reroute:[rewrite:]&lt;domain&gt;.</summary>
    private static void CheckRouterSelf(TomlSource source, TomlTable root, ImmutableArray<RouterConfig> routers, List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("routers", out var raw) || raw is not TomlTableArray tables) return;
        foreach (var router in routers)
        {
            if (router.Self is "freeze" or "defer" or "fail" or "send" or "pass" || Exim.Mail.Routing.SelfReroute.TryParse(router.Self, out _)) continue;
            var table = RouterTable(tables, router.Name);
            var message = $"{router.Name} router: \"{router.Self}\" is not valid for the self option";
            errors.Add(table is null ? source.File(message) : source.At(table, "self", message));
        }
    }

    private static void CheckRouterTransports(TomlSource source, TomlTable root, ImmutableArray<RouterConfig> routers,
        ImmutableArray<TransportConfig> transports, List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("routers", out var raw) || raw is not TomlTableArray tables) return;
        var known = transports.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var router in routers)
        {
            if (router.Transport is null || known.Contains(router.Transport)) continue;
            var table = RouterTable(tables, router.Name);
            var message = $"router \"{router.Name}\" names transport \"{router.Transport}\", which is not defined";
            errors.Add(table is null ? source.File(message) : source.At(table, "transport", message));
        }
    }

    /// <summary>Retry rule text, checked at load time with positions (router drivers check their own options when the generation is built).</summary>
    private static void CheckDeliveryOptions(TomlSource source, TomlTable root, ImmutableArray<RetryConfig> retry,
        List<ConfigDiagnostic> errors)
    {
        if (root.TryGetValue("retry", out var rawRetry) && rawRetry is TomlTableArray retryTables)
        {
            for (var i = 0; i < retry.Length && i < retryTables.Count; i++)
            {
                if (!Exim.Mail.Retry.RetryRuleParser.TryParse(retry[i], Delivery.RetryRuleSet.ParseTime, out _, out var error))
                {
                    errors.Add(source.At(retryTables[i], retryTables[i].ContainsKey("rules") ? "rules" : "pattern", error));
                }
            }
        }
    }

    /// <summary>
    /// The <c>[[authenticators]]</c> tables: each needs a unique name and a driver; public_name (the SASL mechanism, Exim's
    /// default the name) is upper-cased and must be a SASL mechanism name offered by no other authenticator. The rest of
    /// each table belongs to its driver, which reads and checks it when the generation is built.
    /// </summary>
    private static ImmutableArray<AuthenticatorSection> ReadAuthenticators(TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("authenticators", out var raw)) return [];
        if (raw is not TomlTableArray tables)
        {
            errors.Add(source.At(root, "authenticators", "\"authenticators\" must be an array of tables ([[authenticators]])"));
            return [];
        }
        var result = ImmutableArray.CreateBuilder<AuthenticatorSection>(tables.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var mechanisms = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < tables.Count; i++)
        {
            var table = tables[i];
            if (!table.TryGetValue("name", out var n) || n is not string name || name.Length == 0)
            {
                errors.Add(table.ContainsKey("name") ? source.At(table, "name", $"authenticators[{i + 1}]: \"name\" must be a non-empty string")
                    : source.At(root, "authenticators", $"authenticators[{i + 1}] has no name"));
                continue;
            }
            var section = $"authenticators \"{name}\"";
            if (!names.Add(name)) errors.Add(source.At(table, "name", $"{section} is defined twice"));
            if (!table.TryGetValue("driver", out var d) || d is not string driver || driver.Length == 0)
            {
                errors.Add(table.ContainsKey("driver") ? source.At(table, "driver", $"invalid value for \"driver\" in {section}: expected a driver name")
                    : source.At(table, "name", $"{section} has no driver"));
                continue;
            }
            var publicName = name;
            if (table.TryGetValue("public_name", out var p))
            {
                if (p is not string ps || ps.Length == 0)
                {
                    errors.Add(source.At(table, "public_name", $"invalid value for \"public_name\" in {section}: expected a SASL mechanism name"));
                    continue;
                }
                publicName = ps;
            }
            publicName = publicName.ToUpperInvariant();
            // RFC 4422 §3.1: 1 to 20 of upper-case letters, digits, hyphen and underscore.
            if (publicName.Length > 20 || publicName.Any(c => !(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '-' or '_')))
            {
                var key = table.ContainsKey("public_name") ? "public_name" : "name";
                errors.Add(source.At(table, key, $"{section}: \"{publicName}\" is not a SASL mechanism name (1 to 20 letters, digits, - and _): set public_name"));
                continue;
            }
            if (mechanisms.TryGetValue(publicName, out var first))
            {
                errors.Add(source.At(table, table.ContainsKey("public_name") ? "public_name" : "name",
                    $"{section}: {publicName} is already offered by authenticators \"{first}\" (a client could only ever reach the first)"));
                continue;
            }
            mechanisms[publicName] = name;
            var driverAt = source.At(table, "driver", "");
            result.Add(new AuthenticatorSection(name, driver, publicName, source.Path, (driverAt.Line, driverAt.Column), RawOptions(source, table)));
        }
        return result.ToImmutable();
    }

    /// <summary>Every key of <paramref name="table"/> with its value and position, for a driver to read.</summary>
    private static FrozenDictionary<string, RawOption> RawOptions(TomlSource source, TomlTable table)
    {
        var options = new Dictionary<string, RawOption>(StringComparer.Ordinal);
        foreach (var (key, v) in table)
        {
            var at = source.At(table, key, "");
            options[key] = new RawOption(v, at.Line, at.Column);
        }
        return options.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The <c>[[transports]]</c> tables: each needs a unique name and a driver; the rest of each table belongs to the core's
    /// generic options and to its driver, which reads and checks it when the generation is built (a plugin's driver is
    /// only known then).
    /// </summary>
    private static ImmutableArray<TransportSection> ReadTransports(TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("transports", out var raw)) return [];
        if (raw is not TomlTableArray tables)
        {
            errors.Add(source.At(root, "transports", "\"transports\" must be an array of tables ([[transports]])"));
            return [];
        }
        var result = ImmutableArray.CreateBuilder<TransportSection>(tables.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tables.Count; i++)
        {
            var table = tables[i];
            if (!table.TryGetValue("name", out var n) || n is not string name)
            {
                errors.Add(table.ContainsKey("name") ? source.At(table, "name", $"transports[{i + 1}]: \"name\" must be a string")
                    : source.At(root, "transports", $"transports[{i + 1}] has no name"));
                continue;
            }
            var section = $"transports \"{name}\"";
            if (!names.Add(name)) errors.Add(source.At(table, "name", $"{section} is defined twice"));
            if (!table.TryGetValue("driver", out var d) || d is not string driver)
            {
                errors.Add(table.ContainsKey("driver") ? source.At(table, "driver", $"invalid value for \"driver\" in {section}: expected a driver name")
                    : source.At(table, "name", $"{section} has no driver"));
                continue;
            }
            var driverAt = source.At(table, "driver", "");
            result.Add(new TransportSection(name, driver, source.Path, (driverAt.Line, driverAt.Column), RawOptions(source, table)));
        }
        return result.ToImmutable();
    }

    private static ImmutableArray<PluginSection> ReadPlugins(TomlSource source, TomlTable root, List<ConfigDiagnostic> errors)
    {
        if (!root.TryGetValue("plugins", out var raw)) return [];
        if (raw is not TomlTable plugins)
        {
            errors.Add(source.At(root, "plugins", "\"plugins\" must be a table of [plugins.<name>] tables"));
            return [];
        }
        var result = ImmutableArray.CreateBuilder<PluginSection>();
        foreach (var (name, value) in plugins)
        {
            if (value is not TomlTable table)
            {
                errors.Add(source.At(plugins, name, $"plugins.{name} must be a table"));
                continue;
            }
            if (!table.TryGetValue("assembly", out var asm) || asm is not string assembly || assembly.Length == 0)
            {
                errors.Add(source.At(plugins, name, $"[plugins.{name}] needs an \"assembly\" path"));
                continue;
            }
            var options = new Dictionary<string, RawOption>(StringComparer.Ordinal);
            foreach (var (key, v) in table)
            {
                if (key == "assembly") continue;
                var at = source.At(table, key, "");
                options[key] = new RawOption(v, at.Line, at.Column);
            }
            var path = Path.GetFullPath(assembly, Path.GetDirectoryName(source.Path)!);
            result.Add(new PluginSection(name, path, source.Path, options.ToFrozenDictionary(StringComparer.Ordinal)));
        }
        return result.ToImmutable();
    }
}
