using System.Text;
using Exim.Host.Control;

namespace Exim.Host.Tests.Control;

public sealed class ControlRequestTests
{
    [Theory]
    [InlineData("status", "status", "")]
    [InlineData("  Queue-Run\t-qGhold   1xXzNT-0go83N-IQ \r", "queue-run", "-qGhold|1xXzNT-0go83N-IQ")]
    public void TryParse_Words_NameLowerCasedAndArguments(string line, string name, string arguments)
    {
        Assert.True(ControlRequest.TryParse(Encoding.ASCII.GetBytes(line), out var request, out var error), error);
        Assert.Equal(name, request.Name);
        Assert.Equal(arguments, string.Join('|', request.Arguments));
    }

    [Theory]
    [InlineData("", "empty request")]
    [InlineData("   ", "empty request")]
    [InlineData("status\u0000", "a request is printable ASCII")]
    [InlineData("stätus", "a request is printable ASCII")]
    public void TryParse_EmptyOrNotPrintable_IsRefused(string line, string expected)
    {
        Assert.False(ControlRequest.TryParse(Encoding.UTF8.GetBytes(line), out _, out var error));
        Assert.Equal(expected, error);
    }
}
