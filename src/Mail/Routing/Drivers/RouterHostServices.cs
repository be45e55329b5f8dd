using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Routing.Drivers;

/// <summary>What the built-in routers that find hosts use, from the generation they are built with.</summary>
/// <param name="Main">The main options.</param>
/// <param name="Dns">The DNS resolver plugin behind the process's cache, or null without one.</param>
/// <param name="ByName">The "byname" resolver plugin, or null.</param>
/// <param name="LocalAddresses">This host's addresses.</param>
/// <param name="Random">For shuffling hosts.</param>
internal sealed record RouterHostServices(MainOptions Main, IDnsRecordResolver? Dns, IAddressResolver? ByName, IReadOnlySet<IPAddress> LocalAddresses, Random Random);
