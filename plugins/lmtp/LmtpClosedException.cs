namespace Exim.Plugins.Lmtp;

/// <summary>The server closed the connection where a reply was due (Exim's "LMTP connection closed after ...").</summary>
internal sealed class LmtpClosedException : IOException
{
    public LmtpClosedException() : base("closed by the server")
    {
    }

    public LmtpClosedException(string message) : base(message)
    {
    }

    public LmtpClosedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
