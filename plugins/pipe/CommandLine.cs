using System.Text;

namespace Exim.Plugins.Pipe;

/// <summary>
/// Exim's transport_set_up_command splitting of a command without a shell: arguments separated by white space; a
/// double-quoted argument may contain white space and backslash escapes; a single-quoted one is taken literally.
/// </summary>
internal static class CommandLine
{
    public static List<string> Split(string command)
    {
        var args = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < command.Length && char.IsWhiteSpace(command[i])) i++;
            if (i >= command.Length) return args;
            var arg = new StringBuilder();
            if (command[i] == '"')
            {
                for (i++; i < command.Length && command[i] != '"'; i++)
                {
                    if (command[i] == '\\' && i + 1 < command.Length) i++;
                    arg.Append(command[i]);
                }
                i++;
            }
            else if (command[i] == '\'')
            {
                for (i++; i < command.Length && command[i] != '\''; i++) arg.Append(command[i]);
                i++;
            }
            else
            {
                while (i < command.Length && !char.IsWhiteSpace(command[i])) arg.Append(command[i++]);
            }
            args.Add(arg.ToString());
        }
    }

    /// <summary>The arguments as Exim's failure message shows them: those with spaces or tabs in double quotes.</summary>
    public static string Describe(IEnumerable<string> argv)
    {
        var sb = new StringBuilder();
        foreach (var arg in argv) sb.Append(' ').Append(arg.AsSpan().IndexOfAny(' ', '\t') >= 0 ? $"\"{arg}\"" : arg);
        return sb.ToString();
    }
}
