namespace Exim.Abstractions.Hints;

/// <summary>One record of a hints database.</summary>
/// <param name="Key">The record's key.</param>
/// <param name="Value">Its data, in the format of the database's owner.</param>
/// <param name="Updated">When it was last written (Exim's <c>time_stamp</c> of every hints record; <c>exim --tidydb</c> prunes by it).</param>
public sealed record HintsRecord(string Key, string Value, DateTimeOffset Updated);
