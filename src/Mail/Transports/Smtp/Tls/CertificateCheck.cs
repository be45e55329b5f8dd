namespace Exim.Mail.Transports.Smtp.Tls;

/// <summary>How a server's certificate is checked for one host (tls_client_basic_ctx_init in Exim's tls-openssl.c).</summary>
internal enum CertificateCheck : byte
{
    /// <summary>The host is in neither tls_verify_hosts nor tls_try_verify_hosts: not verified, <c>CV=no</c>.</summary>
    None,

    /// <summary>tls_try_verify_hosts: verified, but a failure only logs and gives <c>CV=no</c>.</summary>
    Optional,

    /// <summary>tls_verify_hosts (or neither list set): a failure fails the TLS session.</summary>
    Required,
}
