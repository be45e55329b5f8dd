namespace Exim.Plugins.Redirect;

/// <summary>Where a redirect router's list comes from.</summary>
internal enum RedirectSource
{
    /// <summary><c>data</c>: the list itself.</summary>
    Data,

    /// <summary><c>file</c>: a file holding the list (a <c>.forward</c>).</summary>
    File,

    /// <summary><c>aliases_file</c> (ours): the local part's entry in an <c>/etc/aliases</c>-style file.</summary>
    AliasesFile,
}
