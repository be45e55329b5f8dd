namespace Exim.Abstractions.Config;

/// <summary>How an option's TOML value is read and how <c>-bP</c> prints it, where the property type alone does not say.</summary>
internal enum OptionKind
{
    /// <summary>Decided by the property type: string, bool, int, <see cref="TimeSpan"/> (Exim time) or list.</summary>
    Default,

    /// <summary>A byte count written in Exim's size form (<c>"50M"</c>).</summary>
    Size,

    /// <summary>A load average held as value × 1000 (Exim's fixed-point); -1 means unset.</summary>
    FixedPoint,

    /// <summary>A TCP port list: numbers or service names; a single TOML integer is a list of one.</summary>
    PortList,

    /// <summary>One TCP port: a TOML integer, or a string holding a number or a service name (checked at load).</summary>
    Port,

    /// <summary>A path; relative values are resolved against the configuration file's directory.</summary>
    Path,

    /// <summary>A TLS cipher suite list (<c>tls_require_ciphers</c>): IANA or OpenSSL names, checked at load.</summary>
    CipherList,
}
