/**
 * What a sending MTA meets at one MX address, without mail: the greeting,
 * EHLO, whether STARTTLS is offered, the TLS session and the certificate
 * chain as presented, then QUIT. Nothing but EHLO, STARTTLS and QUIT is ever
 * sent, so the handshake does not refuse an unverified certificate the way
 * the send path must (core/tls/handshake.ts): it records whether the chain
 * verifies against the trusted CAs (`authorized`), because the verdicts
 * judge the same chain three ways — MTA-STS (Web PKI and the MX name), DANE
 * (TLSA records, which may pin a self-signed key) and opportunistic TLS.
 */
import { X509Certificate } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import { type Connector, connectWithin, release, systemConnect } from "../../io.ts";
import { hasCapability, parseCapabilities } from "../../smtp/capabilities.ts";
import { SmtpConnection, SmtpReadError } from "../../smtp/connection.ts";
import { replyLine } from "../../smtp/reply.ts";
import { Transcript } from "../../smtp/transcript.ts";
import { printable } from "../../printable.ts";

/** One certificate of the presented chain, as the report shows it. */
export interface CertFacts {
  subject: string;
  issuer: string;
  /** DNS names it covers (subjectAltName, else the CN). */
  names: string[];
  validFrom: string;
  validTo: string;
  sha256: string;
}

/** What the probe of one MX address found. */
export interface MxProbe {
  address: string;
  port: number;
  greeting?: string;
  starttls: boolean;
  tls?: {
    protocol: string;
    cipher: string;
    /** The chain verifies against the trusted CAs (the system's, or `--ca`'s). */
    authorized: boolean;
    authorizationError?: string;
    /** The leaf certificate names the MX host (a wildcard covers one label). */
    nameMatches: boolean;
    chain: CertFacts[];
  };
  /** Where the probe stopped and why (connect, greeting, ehlo, starttls, handshake). */
  error?: { stage: string; message: string };
  /** The presented chain's certificates, leaf first (not serialized). */
  certificates: X509Certificate[];
}

/** Options of a probe. */
export interface ProbeOptions {
  timeoutMs: number;
  /** Trusted CA certificates (PEM) instead of the system's. */
  ca?: string;
  /** The EHLO name (default: the address literal of this end of the connection). */
  ehloName?: string;
  connect?: Connector;
}

/** Probes `host` (its name is the SNI) at `address:port`. */
export async function probeMx(host: string, address: string, port: number, options: ProbeOptions): Promise<MxProbe> {
  const base: MxProbe = { address, port, starttls: false, certificates: [] };
  let socket: net.Socket;
  try {
    socket = await connectWithin(options.connect ?? systemConnect, address, port, options.timeoutMs);
  } catch (err) {
    return { ...base, error: { stage: "connect", message: _message(err) } };
  }
  const smtp = new SmtpConnection(socket, new Transcript(() => performance.now()));
  const fail = async (stage: string, err: unknown) => {
    smtp.destroy();
    await release(socket);
    return { ...base, error: { stage, message: _message(err) } };
  };
  try {
    const greeting = await smtp.readReply(options.timeoutMs);
    base.greeting = printable(replyLine(greeting), 200);
    if (greeting.code !== 220) return await fail("greeting", new Error(base.greeting));
    const name = options.ehloName ?? `[${net.isIPv6(socket.localAddress ?? "") ? "IPv6:" : ""}${socket.localAddress}]`;
    const ehlo = await smtp.command(`EHLO ${name}`, options.timeoutMs);
    if (ehlo.code !== 250) return await fail("ehlo", new Error(printable(replyLine(ehlo), 200)));
    base.starttls = hasCapability(parseCapabilities(ehlo), "STARTTLS");
    if (!base.starttls) {
      await smtp.quit(options.timeoutMs);
      return base;
    }
    const go = await smtp.command("STARTTLS", options.timeoutMs);
    if (go.code !== 220) return await fail("starttls", new Error(printable(replyLine(go), 200)));
  } catch (err) {
    return await fail(base.greeting ? "ehlo" : "greeting", err);
  }
  const raw = smtp.detach();
  const session = await _handshake(raw, host, options);
  if ("error" in session) {
    await release(raw);
    return { ...base, error: { stage: "handshake", message: session.error } };
  }
  smtp.attach(session.socket);
  await smtp.quit(options.timeoutMs);
  await release(session.socket);
  return { ...base, tls: session.facts, certificates: session.certificates };
}

async function _handshake(
  raw: net.Socket,
  host: string,
  options: ProbeOptions,
): Promise<
  { socket: tls.TLSSocket; facts: NonNullable<MxProbe["tls"]>; certificates: X509Certificate[] } | { error: string }
> {
  return await new Promise((resolve) => {
    const secure = tls.connect({
      socket: raw,
      servername: net.isIP(host) ? undefined : host,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      // Judged below, never enforced here: the probe sends nothing a verification would protect.
      rejectUnauthorized: false,
      // `authorized` then says whether the chain is trusted; the name is checked on its own (nameMatches).
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      secure.destroy();
      resolve({ error: "the TLS handshake timed out" });
    }, options.timeoutMs);
    secure.once("error", (err) => {
      clearTimeout(timer);
      resolve({ error: _message(err) });
    });
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      const certificates = peerChain(secure);
      resolve({
        socket: secure,
        certificates,
        facts: {
          protocol: secure.getProtocol() ?? "unknown",
          cipher: secure.getCipher()?.name ?? "unknown",
          authorized: secure.authorized,
          ...(secure.authorizationError ? { authorizationError: String(secure.authorizationError) } : {}),
          nameMatches: certificates[0]?.checkHost(host, { subject: "default" }) !== undefined,
          chain: certificates.map(certFacts),
        },
      });
    });
  });
}

/** The presented chain, leaf first, each certificate once. */
export function peerChain(socket: tls.TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256) && out.length < 10) {
    seen.add(cert.fingerprint256);
    out.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

/** A certificate as the report shows it. */
export function certFacts(cert: X509Certificate): CertFacts {
  const sans = (cert.subjectAltName ?? "").split(",").map((s) => s.trim())
    .filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4));
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  return {
    subject: printable(cert.subject.replace(/\n/g, ", "), 200),
    issuer: printable(cert.issuer.replace(/\n/g, ", "), 200),
    names: (sans.length > 0 ? sans : cn ? [cn] : []).map((n) => printable(n, 100)).slice(0, 20),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    sha256: cert.fingerprint256,
  };
}

function _message(err: unknown): string {
  if (err instanceof SmtpReadError) {
    const f = err.failure;
    return f.kind === "timeout"
      ? `no reply within ${f.waitedMs} ms`
      : f.kind === "closed"
      ? "the server closed the connection"
      : f.kind === "socket"
      ? `${f.code}: ${f.message}`
      : "the reply is not SMTP";
  }
  const e = err as NodeJS.ErrnoException;
  return printable(`${e?.code ? `${e.code}: ` : ""}${e?.message ?? String(err)}`, 200);
}
