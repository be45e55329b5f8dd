namespace Exim.TestKit;

/// <summary>Bounded polling, for state another process changes (files, logs).</summary>
public static class Wait
{
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var step = interval ?? TimeSpan.FromMilliseconds(25);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(step);
        }
        return condition();
    }

    public static async Task UntilOrFailAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(25);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds}s: {describe()}");
    }

    public static async Task UntilOrFailAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        if (!await UntilAsync(condition, timeout)) throw new TimeoutException($"timed out after {timeout.TotalSeconds}s: {describe()}");
    }

    public static string ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException) { return ""; }
        catch (DirectoryNotFoundException) { return ""; }
    }
}
