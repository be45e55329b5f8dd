namespace Exim.Mail.Spool;

/// <summary>What reading one message's -H file found, as Exim's spool_read_header tells them apart.</summary>
internal enum SpoolReadStatus : byte
{
    Ok,
    NotFound,
    Unreadable,
    FormatError,
}
