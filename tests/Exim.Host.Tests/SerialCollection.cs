namespace Exim.Host.Tests;

/// <summary>Tests that measure the whole process (heap, loaded assemblies) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
