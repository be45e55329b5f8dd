namespace Exim.Host.Plugins;

/// <summary>A strategy interface and the key it is registered under.</summary>
internal readonly record struct StrategyKey(Type Strategy, string Key)
{
    public override string ToString() => $"{Strategy.Name} \"{Key}\"";
}
