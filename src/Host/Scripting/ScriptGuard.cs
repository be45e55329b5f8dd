using System.Collections.Frozen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Exim.Host.Scripting;

/// <summary>
/// Compile-time guard rails for hook scripts (not a sandbox: scripts run with the daemon's rights). A script may not
/// touch files, processes, reflection, native code, raw sockets or threads, may not end the process, and may not
/// use <c>goto</c> (which would dodge the loop budget checks) or <c>dynamic</c> (which pins the script's load
/// context, dotnet/runtime#71629). Each use is an error with its position, like a compiler error.
/// </summary>
internal static class ScriptGuard
{
    private static readonly FrozenSet<string> DeniedNamespaces = FrozenSet.Create(StringComparer.Ordinal,
        "System.IO", "System.Reflection", "System.Diagnostics", "System.Runtime.InteropServices", "System.Runtime.Loader",
        "System.Runtime.CompilerServices.Unsafe", "System.Net.Sockets", "System.Net.Http", "System.Threading", "Microsoft.Win32",
        "MimeKit.Cryptography");

    // Streams without names: the data stage's body (StageMessage.OpenBody) is one. Members that open a file by its name
    // are refused one by one (see OpensFiles).
    private static readonly FrozenSet<string> AllowedInDeniedNamespaces = FrozenSet.Create(StringComparer.Ordinal,
        "System.Threading.CancellationToken", "System.Threading.Interlocked", "System.Diagnostics.Stopwatch",
        "System.IO.Stream", "System.IO.TextReader", "System.IO.StreamReader", "System.IO.SeekOrigin", "System.IO.IOException");

    private static readonly FrozenSet<string> DeniedTypes = FrozenSet.Create(StringComparer.Ordinal,
        "System.Environment", "System.AppDomain", "System.Activator", "System.GC", "System.Console",
        "System.Runtime.CompilerServices.RuntimeHelpers", "System.Runtime.CompilerServices.Unsafe");

    public static IEnumerable<(Location Location, string Message)> Check(SyntaxTree tree, SemanticModel model)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            switch (node)
            {
                case GotoStatementSyntax:
                    yield return (node.GetLocation(), "goto is not allowed in hook scripts");
                    continue;
                case IdentifierNameSyntax { Identifier.Text: "dynamic" } when model.GetTypeInfo(node).Type?.TypeKind == TypeKind.Dynamic:
                    yield return (node.GetLocation(), "dynamic is not allowed in hook scripts");
                    continue;
                case not (IdentifierNameSyntax or GenericNameSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax):
                    continue;
            }
            var symbol = model.GetSymbolInfo(node).Symbol;
            if (symbol is null || Denied(symbol) is not { } what) continue;
            // File.ReadAllText: report the member once, not its qualifying type as well.
            if (symbol is INamedTypeSymbol && node.Parent is MemberAccessExpressionSyntax access && access.Expression == node) continue;
            yield return (node.GetLocation(), $"'{symbol.ToDisplayString()}' is not allowed in hook scripts ({what})");
        }
    }

    private static string? Denied(ISymbol symbol)
        => DeniedByType(symbol) ?? (OpensFiles(symbol) ? "it opens a file by its name" : null);

    private static string? DeniedByType(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        for (var t = type; t is not null; t = t.ContainingType)
        {
            var name = t.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "", StringComparison.Ordinal);
            var generic = name.IndexOf('<', StringComparison.Ordinal);
            if (generic >= 0) name = name[..generic];
            if (AllowedInDeniedNamespaces.Contains(name)) return null;
            if (DeniedTypes.Contains(name)) return name;
        }
        var ns = (type?.ContainingNamespace ?? symbol.ContainingNamespace)?.ToDisplayString();
        if (ns is null) return null;
        foreach (var denied in DeniedNamespaces)
        {
            if (ns == denied || (ns.StartsWith(denied + ".", StringComparison.Ordinal) && !(denied == "System.Threading" && ns == "System.Threading.Tasks")))
            {
                return denied;
            }
        }
        return null;
    }

    /// <summary>A method of the allowed I/O types or of MimeKit (<c>new StreamReader(path)</c>, <c>MimeMessage.Load(fileName)</c>) that takes a file name.</summary>
    private static bool OpensFiles(ISymbol symbol)
    {
        if (symbol is not IMethodSymbol method) return false;
        var ns = method.ContainingType?.ContainingNamespace?.ToDisplayString() ?? "";
        if (!(ns == "System.IO" || ns == "MimeKit" || ns.StartsWith("MimeKit.", StringComparison.Ordinal))) return false;
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Type.SpecialType == SpecialType.System_String && parameter.Name is "path" or "fileName") return true;
        }
        return false;
    }
}
