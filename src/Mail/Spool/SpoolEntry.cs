namespace Exim.Mail.Spool;

/// <summary>A message found in a queue by its -H file's name: its id and the directory holding it (split or not).</summary>
internal readonly record struct SpoolEntry(string Id, string Directory);
