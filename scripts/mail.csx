// mail.csx: the MAIL FROM policy of the bundled configuration ([hooks] mail in exim.toml; Exim's acl_smtp_mail).
// Runs after each MAIL FROM whose syntax is valid. Sees Stage, Connection (its LocalPort, AuthenticatedId and
// Authenticator among the rest), Helo, Sender, Main, HostLists, Log, Dns, ClientIn(...). Returns a Verdict.
//
// Submission (RFC 6409): the port mail programs send on requires authentication before MAIL. Exim operators write it as
//   deny  condition = ${if eq{$interface_port}{587}}  !authenticated = *  message = Authentication required
// and 530 is RFC 4954's code for it. The other ports are not affected: there, strangers may send to our own domains and
// relay_from_hosts or AUTH decide who may relay, at RCPT.
if (Connection.LocalPort == 587 && Connection.Authenticator is null)
{
    return Verdict.Reject("Authentication required", status: "5.7.0", code: 530);
}
return Verdict.Accept;
