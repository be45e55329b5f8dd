using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Exim.Host.Scripting;

/// <summary>
/// Makes a script's time budget enforceable: running code never observes a cancellation token by itself
/// (roslyn#72179), so a call to <c>__Budget()</c> (which throws once the budget is spent) is put first in every
/// loop body, local function and lambda block. Nothing is inserted with a line break, so line numbers in stack
/// traces still match the file.
/// </summary>
internal sealed class BudgetRewriter : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax Check = SyntaxFactory.ParseStatement("__Budget();");

    public static SyntaxTree Rewrite(SyntaxTree tree)
    {
        var root = (CSharpSyntaxNode)new BudgetRewriter().Visit(tree.GetRoot())!;
        return CSharpSyntaxTree.Create(root, (CSharpParseOptions)tree.Options, tree.FilePath, System.Text.Encoding.UTF8);
    }

    public override SyntaxNode? Visit(SyntaxNode? node) => base.Visit(node) switch
    {
        WhileStatementSyntax loop => loop.WithStatement(Guard(loop.Statement)),
        DoStatementSyntax loop => loop.WithStatement(Guard(loop.Statement)),
        ForStatementSyntax loop => loop.WithStatement(Guard(loop.Statement)),
        CommonForEachStatementSyntax loop => loop.WithStatement(Guard(loop.Statement)),
        LocalFunctionStatementSyntax { Body: { } body } function => function.WithBody(Prepend(body)),
        AnonymousFunctionExpressionSyntax { Block: { } block } lambda => lambda.WithBlock(Prepend(block)),
        var other => other,
    };

    private static BlockSyntax Prepend(BlockSyntax block) => block.WithStatements(block.Statements.Insert(0, Check));

    private static StatementSyntax Guard(StatementSyntax body) => body is BlockSyntax block
        ? Prepend(block)
        : SyntaxFactory.Block(Check, body); // "{__Budget();" plus the statement as written, line breaks and all
}
