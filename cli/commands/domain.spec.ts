/**
 * The definition of `smtpilot domain`: the sender-domain audit's flags with
 * their validators, once, for the command line and the MCP tool alike.
 */
import type { CommandSpec } from "../command-spec.ts";
import { intOption, secondsOption } from "../usage.ts";

/** `smtpilot domain`. */
export const domainSpec: CommandSpec = {
  name: "domain",
  summary:
    "Audit sender domains' DNS: SPF, DKIM, DMARC (RFC 9989), MX, PTR, MTA-STS, TLS-RPT, BIMI (DNS lookups only, no mail)",
  effect: "network",
  json: { schema: "smtpilot.domain/1" },
  args: [{
    name: "domain",
    description: "the sender domains to audit (default: the --profile's From domain)",
    variadic: true,
  }],
  options: [
    {
      flags: "--from-file <file>",
      description:
        "audit every domain in FILE (one a line, or JSON {domain, ip, sender, helo}; - for stdin): JSON Lines or a table",
      complete: "file",
    },
    {
      flags: "--concurrency <n>",
      description: "audits at a time in a batch (default 10, at most 100)",
      parse: intOption("--concurrency", 1, 100),
    },
    { flags: "--ip <address>", description: "sending server IP: evaluate SPF for it and check its reverse DNS" },
    { flags: "--sender <address>", description: "MAIL FROM for the SPF evaluation (default: postmaster@DOMAIN)" },
    { flags: "--helo <name>", description: "HELO name for the SPF evaluation (default: DOMAIN)" },
    {
      flags: "--selector <name>",
      description: "DKIM selector to check (repeatable; default: the message's, or common ones)",
      repeatable: true,
    },
    {
      flags: "--message <file>",
      description: "a message file (.eml): its DKIM-Signature gives the selector and is verified",
      complete: "file",
    },
    {
      flags: "--only <checks>",
      description: "run only these checks, comma-separated: spf,dkim,dmarc,mx,ptr,mta-sts,tls-rpt,bimi",
    },
    { flags: "--fetch-policy", description: "fetch the MTA-STS policy over HTTPS (certificate verified)" },
    {
      flags: "--recipient",
      description:
        "the receiving side: probe each MX with STARTTLS (no mail), DANE (DNSSEC via the resolver) and MTA-STS; a verdict per MX",
    },
    {
      flags: "--mx-port <port>",
      description: "connect to MX hosts on this port instead of 25 (a lab; TLSA names stay _25._tcp)",
      parse: intOption("--mx-port", 1, 65535),
    },
    {
      flags: "--policy-port <port>",
      description: "fetch the MTA-STS policy from this port instead of 443 (a lab)",
      parse: intOption("--policy-port", 1, 65535),
    },
    {
      flags: "--ca <file>",
      description: "trust these CA certificates (PEM) instead of the system's, for MX and policy certificates",
      complete: "file",
    },
    { flags: "--ehlo-name <name>", description: "EHLO name of the MX probe (default: this end's address literal)" },
    {
      flags: "--profile <name>",
      description: "the saved profile this domain sends through: its From domain, and its last check (fix that first)",
      complete: { dynamic: "profile-names" },
    },
    { flags: "--note", description: "append a dated summary to deliverability-notes.md in the memory folder" },
    { flags: "--resolver <ip[:port]>", description: "use this DNS server instead of the system's" },
    {
      flags: "--timeout <seconds>",
      description: "per-query DNS timeout in seconds, at most 600 (default: 2.5, two tries)",
      parse: secondsOption("--timeout"),
    },
  ],
  examples: [
    "smtpilot domain example.com",
    "smtpilot domain example.com --ip 192.0.2.25 --sender bounces@example.com --helo mail.example.com",
    "smtpilot domain example.com --selector s1 --selector s2",
    "smtpilot domain example.com --only spf --ip 192.0.2.25 --sender bounces@example.com",
    "smtpilot domain example.com --message ./sent.eml --json",
    "smtpilot domain example.com --fetch-policy --resolver 1.1.1.1",
    "smtpilot domain gmail.com --recipient --fetch-policy",
    "smtpilot domain --profile work --note",
    "smtpilot domain example.com example.net example.org --json",
    "smtpilot domain --from-file domains.txt --concurrency 20",
    "smtpilot domain --ip 192.0.2.25 --sender @example.net --helo mail.example.net --only spf",
  ],
  notes: "Exit codes: 0 no error finding (warnings allowed), 1 at least one error finding,\n" +
    "2 usage error, 3 environment error, 70 internal error (a bug).\n" +
    "Finding codes: docs/codes.md (domain findings).",
  load: async () => (await import("./domain.ts")).runDomain,
};
