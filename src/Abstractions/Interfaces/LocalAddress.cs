using System.Net;

namespace Exim.Abstractions.Interfaces;

/// <summary>One address of one local interface.</summary>
/// <param name="InterfaceName">The OS name of the interface, e.g. <c>lo</c> or <c>eth0</c>.</param>
/// <param name="Address">The address.</param>
/// <param name="IsLoopback">Whether the interface is a loopback interface.</param>
public readonly record struct LocalAddress(string InterfaceName, IPAddress Address, bool IsLoopback);
