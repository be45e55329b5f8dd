namespace Exim.Mail.Submission;

/// <summary>How a local submission hands over its message.</summary>
internal enum SubmissionMode : byte
{
    /// <summary><c>-bm</c> (and sendmail): the message on stdin, its envelope from the command line (or the headers with <c>-t</c>).</summary>
    Message,

    /// <summary><c>-bs</c>: an SMTP dialogue on stdin and stdout.</summary>
    Smtp,
}
