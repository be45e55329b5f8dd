namespace Exim.Abstractions.Scripting;

/// <summary>Writes to Exim's main log; each line names the script.</summary>
public interface IScriptLog
{
    /// <summary>An ordinary main-log line.</summary>
    /// <param name="message">The text.</param>
    void Info(string message);

    /// <summary>A warning in the main log.</summary>
    /// <param name="message">The text.</param>
    void Warning(string message);

    /// <summary>An error in the main log.</summary>
    /// <param name="message">The text.</param>
    void Error(string message);
}
