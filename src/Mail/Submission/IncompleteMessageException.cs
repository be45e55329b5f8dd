namespace Exim.Mail.Submission;

/// <summary>The submitter's connection ended (or broke the framing) before the end of its message: nothing is kept.</summary>
internal sealed class IncompleteMessageException : IOException
{
    public IncompleteMessageException()
    {
    }

    public IncompleteMessageException(string message) : base(message)
    {
    }

    public IncompleteMessageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
