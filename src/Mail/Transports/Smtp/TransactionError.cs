namespace Exim.Mail.Transports.Smtp;

/// <summary>A connection-level failure inside a transaction: Exim's errno-like code, its message and the retry error name.</summary>
internal sealed record TransactionError(int Errno, string Message, string ErrorName);
