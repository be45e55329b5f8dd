using System.Collections.Immutable;
using System.Net.Sockets;
using DnsClient;
using Exim.Abstractions.Resolution;
using AbstractQuestion = Exim.Abstractions.Resolution.DnsQuestion;
using AbstractRecord = Exim.Abstractions.Resolution.DnsRecord;
using Dc = DnsClient.Protocol;

namespace Exim.Plugins.DnsResolver;

/// <summary>
/// One DNS query through DnsClient, answered in Exim's terms. DnsClient's own cache is off (the core's host cache
/// sits above this), TCP fallback is on for truncated answers, and every failure path maps to a status: NXDOMAIN is
/// NoMatch; SERVFAIL, REFUSED, timeouts and network errors are Again (never "no such name"); FORMERR and NOTIMP
/// are Fail. A NOERROR answer with records is Succeed (a lone CNAME included: following it is the caller's job,
/// bounded by dns_cname_loops); without records it is NoData. The AD bit is reported only when trusted; the AA bit
/// always, with the zone it came from (the core decides whether dns_trust_aa makes it secure). Questions that ask for
/// qualify_single or search_parents go through the <c>search</c> list as glibc's res_search does.
/// </summary>
internal sealed class DnsClientResolver : IDnsRecordResolver
{
    private readonly LookupClient _plain;
    private readonly LookupClient _dnssec;
    private readonly bool _trustAd;
    private readonly System.Collections.Immutable.ImmutableArray<string> _search;

    public DnsClientResolver(DnsResolverOptions options)
    {
        _trustAd = options.TrustAd;
        _search = options.Search;
        _plain = new LookupClient(Build(options, dnssec: false));
        _dnssec = new LookupClient(Build(options, dnssec: true));
    }

    private static LookupClientOptions Build(DnsResolverOptions o, bool dnssec)
    {
        var options = o.NameServers.IsEmpty ? new LookupClientOptions() : new LookupClientOptions([.. o.NameServers]);
        options.UseCache = false;
        options.Timeout = o.Timeout;
        options.Retries = o.Retries;
        options.ThrowDnsErrors = false;
        options.UseTcpFallback = true;
        options.ContinueOnDnsError = true;
        options.ContinueOnEmptyResponse = false;
        options.UseRandomNameServer = false;
        options.Recursion = true;
        options.RequestDnsSecRecords = dnssec;
        options.ExtendedDnsBufferSize = o.Edns || dnssec ? 4096 : 512;
        return options;
    }

    public ValueTask<DnsAnswer> QueryAsync(AbstractQuestion question, CancellationToken cancellationToken)
    {
        var name = question.Name.TrimEnd('.');
        if (!(question.QualifySingle || question.SearchParents) || _search.IsEmpty || question.Name.EndsWith('.'))
        {
            return QueryOneAsync(question with { Name = name }, cancellationToken);
        }
        return SearchAsync(question, SearchNames.For(name, question.QualifySingle, question.SearchParents, _search), cancellationToken);
    }

    /// <summary>
    /// glibc's res_search over the candidate names: the first that succeeds answers (its records carry the name that
    /// was found, which is how Exim learns the fully qualified domain). When none does, a name with dots reports what
    /// the name as given got (glibc's saved h_errno); a single-component name reports NoData if any candidate had
    /// the name, else a temporary failure if any had one, else the last status.
    /// </summary>
    private async ValueTask<DnsAnswer> SearchAsync(AbstractQuestion question, List<string> names, CancellationToken cancellationToken)
    {
        var asIs = question.Name.TrimEnd('.');
        DnsAnswer? asIsAnswer = null, noData = null, again = null, last = null;
        foreach (var candidate in names)
        {
            var answer = await QueryOneAsync(question with { Name = candidate }, cancellationToken).ConfigureAwait(false);
            if (answer.Status == DnsStatus.Succeed) return answer;
            if (candidate == asIs) asIsAnswer = answer;
            if (answer.Status == DnsStatus.NoData) noData ??= answer;
            if (answer.Status is DnsStatus.Again) again ??= answer;
            last = answer;
        }
        if (asIs.Contains('.', StringComparison.Ordinal) && asIsAnswer is not null) return asIsAnswer;
        return noData ?? again ?? last!;
    }

    private async ValueTask<DnsAnswer> QueryOneAsync(AbstractQuestion question, CancellationToken cancellationToken)
    {
        var name = question.Name;
        if (name.Length == 0 || name.Length > 253) return DnsAnswer.Empty(DnsStatus.NoMatch);
        try
        {
            _ = new DnsClient.DnsQuestion(name, (QueryType)(ushort)question.Type); // DnsClient's own name checks
        }
        catch (ArgumentException)
        {
            return DnsAnswer.Empty(DnsStatus.NoMatch); // a name DNS cannot carry: Exim's syntax check says "no match"
        }

        IDnsQueryResponse response;
        try
        {
            var client = question.RequestDnssec ? _dnssec : _plain;
            response = await client.QueryAsync(name, (QueryType)(ushort)question.Type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            return DnsAnswer.Empty(FromCode(e.Code));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the caller gave up; that is not an answer
        }
        catch (Exception)
        {
            // Timeouts, network errors, mismatched ids, replies that do not parse: all "try again later", never
            // "no such name". Nothing from DnsClient escapes this method.
            return DnsAnswer.Empty(DnsStatus.Again);
        }

        var negativeTtl = response.Authorities.OfType<Dc.SoaRecord>().Select(s => (TimeSpan?)TimeSpan.FromSeconds(s.Minimum)).FirstOrDefault();
        if (response.HasError || response.Header.ResponseCode != DnsHeaderResponseCode.NoError)
        {
            return DnsAnswer.Empty(FromCode((DnsResponseCode)response.Header.ResponseCode), negativeTtl) with
            {
                Authenticated = _trustAd && response.Header.IsAuthenticData, // a validated NXDOMAIN (authenticated denial)
                Authoritative = response.Header.HasAuthorityAnswer,
                AuthorityName = AuthorityName(response, hasAnswers: false),
            };
        }
        var records = ImmutableArray.CreateBuilder<AbstractRecord>(response.Answers.Count);
        foreach (var r in response.Answers)
        {
            if (Convert(r) is { } converted) records.Add(converted);
        }
        var authenticated = _trustAd && response.Header.IsAuthenticData;
        var answer = records.Count == 0
            ? DnsAnswer.Empty(DnsStatus.NoData, negativeTtl) with { Authenticated = authenticated }
            : new DnsAnswer(DnsStatus.Succeed, records.ToImmutable(), authenticated, null);
        return answer with { Authoritative = response.Header.HasAuthorityAnswer, AuthorityName = AuthorityName(response, records.Count > 0) };
    }

    /// <summary>Exim's dns_extract_auth_name: the first NS owner of the authority section when there are answers, else the SOA owner.</summary>
    private static string? AuthorityName(IDnsQueryResponse response, bool hasAnswers)
    {
        if (!response.Header.HasAuthorityAnswer) return null;
        foreach (var r in response.Authorities)
        {
            if (hasAnswers ? r is Dc.NsRecord : r is Dc.SoaRecord) return Name(r.DomainName.Value);
        }
        return null;
    }

    private static DnsStatus FromCode(DnsResponseCode code) => code switch
    {
        DnsResponseCode.NotExistentDomain => DnsStatus.NoMatch,
        DnsResponseCode.FormatError or DnsResponseCode.NotImplemented => DnsStatus.Fail,
        _ => DnsStatus.Again, // SERVFAIL, REFUSED, timeouts, connection and parse errors: try again later
    };

    private static AbstractRecord? Convert(Dc.DnsResourceRecord r)
    {
        var owner = Name(r.DomainName.Value);
        var ttl = TimeSpan.FromSeconds(Math.Max(0, r.TimeToLive));
        return r switch
        {
            Dc.ARecord a => new AddressRecord(owner, ttl, a.Address),
            Dc.AaaaRecord a => new AddressRecord(owner, ttl, a.Address),
            Dc.MxRecord mx => new MxRecord(owner, ttl, mx.Preference, Name(mx.Exchange.Value)),
            Dc.SrvRecord srv => new SrvRecord(owner, ttl, srv.Priority, srv.Weight, srv.Port, Name(srv.Target.Value)),
            Dc.CNameRecord c => new CnameRecord(owner, ttl, Name(c.CanonicalName.Value)),
            Dc.PtrRecord p => new PtrRecord(owner, ttl, Name(p.PtrDomainName.Value)),
            Dc.TxtRecord t => new TxtRecord(owner, ttl, [.. t.Text]),
            Dc.TlsaRecord t => new TlsaRecord(owner, ttl, (byte)t.CertificateUsage, (byte)t.Selector, (byte)t.MatchingType, [.. t.CertificateAssociationData]),
            _ => null,
        };
    }

    /// <summary>Names without the trailing dot; the root (<c>.</c>, as in a null MX) becomes "".</summary>
    private static string Name(string value) => value == "." ? "" : value.TrimEnd('.');
}
