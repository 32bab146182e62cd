/**
 * The `smtpilot profile add` arguments of a custom profile as the send and
 * peer tests save it — a server, its TLS and CA, a login whose secret is a
 * reference — so each test says only what differs.
 */

/** What a test profile names. */
export interface TestProfile {
  name: string;
  host: string;
  port: number;
  tls: "starttls" | "implicit";
  /** A file holding the CA that signed the server's certificate. */
  ca: string;
  /** The certificate's name when it is not `host`. */
  servername?: string;
  user: string;
  /** A secret reference (env:NAME…), never a secret. */
  secret: string;
  /** From, envelope sender, DKIM domain…: added as they are. */
  identity?: readonly string[];
}

/** `profile add NAME --provider custom --host … --secret REF …`. */
export function profileAddArgs(p: TestProfile): string[] {
  return [
    "profile",
    "add",
    p.name,
    "--provider",
    "custom",
    "--host",
    p.host,
    "--port",
    String(p.port),
    "--tls",
    p.tls,
    "--ca",
    p.ca,
    ...(p.servername ? ["--servername", p.servername] : []),
    "--user",
    p.user,
    "--secret",
    p.secret,
    ...(p.identity ?? []),
  ];
}
