namespace Exim.Host.Queue;

/// <summary>A queue-runner child of the daemon, for its status: the pid, its <c>-q</c> arguments, its queue and when it started.</summary>
internal sealed record RunnerProcess(int Pid, string Arguments, string? QueueName, DateTimeOffset Started);
