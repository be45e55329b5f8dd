namespace Exim.Host.Tests.Policy;

/// <summary>
/// One script serving every SMTP stage (helo, mail, rcpt, predata, data), its verdicts chosen by what the client sends:
/// the HELO name, the sender's and the recipient's local parts, and the message's Subject.
/// </summary>
internal static class StagePolicyScript
{
    public const string Text = """
        using Exim.Abstractions.Matching;

        switch (Stage)
        {
            case SmtpStage.Helo:
                switch (Helo)
                {
                    case "reject.helo.example": return Verdict.Reject("bad helo", status: "5.7.1");
                    case "defer.helo.example": return Verdict.Defer("try your helo later");
                    case "drop.helo.example": return Verdict.Drop;
                    case "discard.helo.example": return Verdict.Discard;
                    case "throw.helo.example": throw new InvalidOperationException("helo boom");
                }
                return Verdict.Accept;

            case SmtpStage.Mail:
                var from = Sender.Split('@')[0];
                if (from == "reject-mail") return Verdict.Reject("no mail from you");
                if (from == "defer-mail") return Verdict.Defer("not from you now", status: "4.7.0");
                if (from == "discard-mail") return Verdict.Discard;
                if (from == "drop-mail") return Verdict.DropWith("go away", code: 421);
                if (from == "header-mail") return Verdict.Accept.AddHeader("X-Mail-Stage", "sender " + Sender);
                return Verdict.Accept;

            case SmtpStage.Rcpt:
                var to = Recipient.Split('@')[0];
                switch (to)
                {
                    case "reject": return Verdict.Reject("no such user", status: "5.1.1");
                    case "defer": return Verdict.Defer("greylisted", status: "4.7.1");
                    case "discard": return Verdict.Discard.WithLog("spamtrap");
                    case "drop": return Verdict.DropWith("bye");
                    case "both-reject": return Verdict.Reject("refused by the script");
                    case "throw": throw new InvalidOperationException($"rcpt boom for {Recipient}");
                    case "spin": while (true) { }
                    case "verify": return (await Verify.Recipient(Recipient)).Status == VerifyStatus.Deliverable ? Verdict.Accept : Verdict.Reject("unverified");
                    case "ratelimit": return (await RateLimit(Connection.RemoteAddress.ToString(), 10, TimeSpan.FromHours(1))).Over ? Verdict.Defer("too fast") : Verdict.Accept;
                    case "header": return Verdict.Accept.AddHeader("X-Rcpt-Stage", $"{Recipient} after {Recipients.Count} others");
                    case "local":
                        if (await ClientIn(HostLists.Compile(["127.0.0.0/8"]))) return Verdict.Accept.WithLog($"local client {Connection.RemoteAddress} for {Recipient}");
                        return Verdict.Reject("not local");
                }
                return Verdict.Accept;

            case SmtpStage.Predata:
                if (Sender.StartsWith("reject-predata")) return Verdict.Reject($"not now, {Recipients.Count} recipient(s)");
                if (Sender.StartsWith("defer-predata")) return Verdict.Defer();
                if (Sender.StartsWith("discard-predata")) return Verdict.Discard;
                return Verdict.Accept;

            case SmtpStage.Data:
                var subject = Message.Headers["Subject"] ?? "";
                switch (subject.Trim())
                {
                    case "reject": return Verdict.Reject("spam detected", status: "5.7.1");
                    case "defer": return Verdict.Defer("scanner unavailable");
                    case "discard": return Verdict.Discard.WithLog("virus");
                    case "drop": return Verdict.DropWith("bye after data");
                    case "headers": return Verdict.Accept.AddHeader("X-Policy", "checked").RemoveHeader("X-Remove-Me");
                    case "headers held": return Verdict.Accept.AddHeader("X-Policy", "checked").RemoveHeader("X-Remove-Me").WithQueueOnly();
                    case "quarantine": return Verdict.Accept.InQueue("quarantine", queueOnly: true);
                    case "freeze": return Verdict.Accept.Freeze();
                    case "log": return Verdict.Accept.WithLog($"data policy saw size={Message.Size} lines={Message.BodyLines} from {Sender}");
                    case "body":
                        using (var reader = new System.IO.StreamReader(Message.OpenBody()))
                        {
                            var lines = 0;
                            var x = 0;
                            string line;
                            while ((line = await reader.ReadLineAsync()) != null) { lines++; if (line.Contains("x")) x++; }
                            return Verdict.Accept.AddHeader("X-Body", $"{lines} lines, {x} with x, id {Message.Id}").WithQueueOnly();
                        }
                }
                return Verdict.Accept;
        }
        return Verdict.Accept;
        """;
}
