/**
 * The one place smtpilot starts TLS. Verification is always on: the socket is
 * opened with `rejectUnauthorized: false` only so the certificate can still be
 * read and classified when verification fails — the gate below destroys such a
 * socket before a single application byte is written, and callers only ever
 * receive a socket whose `authorized` is true. Node and Deno both fill
 * `authorized`/`authorizationError` this way (checked on Node 24 and Deno 2.9).
 * `legacyTlsVersion` only asks which old version a server speaks: it never
 * hands out a socket and closes it as soon as the handshake ends.
 */
import net from "node:net";
import tls from "node:tls";
import type { X509Certificate } from "node:crypto";
import type { Duplex } from "node:stream";
import { release } from "../io.ts";

/** How long to wait for a TLS 1.3 session ticket before the first command (see below). */
const _TICKET_GRACE_MS = 25;

/**
 * Deno's node:tls (rustls underneath) never emits 'session', so waiting for a
 * ticket there would only ever cost the full grace period: Node only.
 */
const _SESSION_EVENTS = !("Deno" in globalThis);

/** Options of a verified handshake. */
export interface HandshakeOptions {
  /** Name the certificate must match (host name or IP); also sent as SNI when it is a name. */
  name: string;
  /** Extra trusted CA certificates (PEM), from `--ca`. When given, only they are trusted. */
  ca?: string;
  timeoutMs: number;
  /** Abandons the handshake (closes the socket and settles at once), e.g. when a side probe loses its race. */
  signal?: AbortSignal;
}

/** Protocol facts of an established session. */
export interface SessionFacts {
  protocol: string;
  cipher: string;
}

/** Outcome of a handshake: a verified socket, or why there is none. */
export type HandshakeResult =
  | { ok: true; socket: tls.TLSSocket; session: SessionFacts; certificate: X509Certificate | undefined }
  | {
    ok: false;
    reason: "certificate";
    stackError: string;
    certificate: X509Certificate | undefined;
    session: SessionFacts;
  }
  | { ok: false; reason: "handshake"; code: string; message: string }
  | { ok: false; reason: "timeout" };

/**
 * The secure contexts of the CAs handed to handshakes, by the CA's text: a context is what tls.connect
 * would build from `{ ca }` alone, and building it (parsing the CA, a new OpenSSL context) cost ~0.5 ms
 * a session — ten times over for a list sent on ten connections. The same trust, built once. A few
 * at most, for a long-running process (the MCP server) that sees many CAs.
 */
const _contexts = new Map<string, tls.SecureContext>();
const _MAX_CONTEXTS = 8;

function _contextFor(ca: string): tls.SecureContext {
  let context = _contexts.get(ca);
  if (!context) {
    context = tls.createSecureContext({ ca });
    if (_contexts.size >= _MAX_CONTEXTS) _contexts.delete(_contexts.keys().next().value as string);
    _contexts.set(ca, context);
  }
  return context;
}

/** Upgrades an open TCP socket (or a stream over one) to verified TLS (implicit TLS or after STARTTLS). */
export function verifiedHandshake(socket: Duplex, options: HandshakeOptions): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    const secure = tls.connect({
      socket,
      host: options.name,
      servername: net.isIP(options.name) ? undefined : options.name,
      ...(options.ca === undefined ? {} : { secureContext: _contextFor(options.ca) }),
      rejectUnauthorized: false, // see the module comment: verification is enforced below
    });
    let settled = false;
    const settle = (result: HandshakeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      secure.removeAllListeners("secureConnect");
      if (result.ok) return resolve(result);
      // A failed handshake answers only once its socket is closed: nothing outlives the step. A
      // refused certificate ends the completed TLS session properly (close_notify, no data).
      void release(secure, { graceful: result.reason === "certificate" }).then(() => resolve(result));
    };
    const timer = setTimeout(() => settle({ ok: false, reason: "timeout" }), options.timeoutMs);
    const onAbort = () => settle({ ok: false, reason: "handshake", code: "EABORTED", message: "Handshake abandoned" });
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // `on`, not `once`, and never removed: an error emitted between resolve and the caller's own
    // listener must not crash the process; after settling it only closes the socket.
    secure.on("error", (err: NodeJS.ErrnoException) => {
      if (settled) return void secure.destroy();
      settle({ ok: false, reason: "handshake", code: err.code ?? "EUNKNOWN", message: err.message });
    });
    secure.once("secureConnect", () => {
      const session = { protocol: secure.getProtocol() ?? "unknown", cipher: secure.getCipher()?.name ?? "unknown" };
      const certificate = secure.getPeerX509Certificate();
      if (!secure.authorized) {
        const stackError = String(secure.authorizationError ?? "UNKNOWN");
        settle({ ok: false, reason: "certificate", stackError, certificate, session });
        return;
      }
      // TLS 1.3 servers send their session tickets right after the handshake. If our first
      // command leaves before they arrive, our ACK for them is delayed (~40 ms on Linux) and a
      // server with Nagle on (Postfix) holds its reply until then: wait briefly for the ticket.
      if (session.protocol !== "TLSv1.3" || !_SESSION_EVENTS) {
        return settle({ ok: true, socket: secure, session, certificate });
      }
      // Leave the 'session' callback first: writing from inside it stalls Node's TLS reads.
      const onTicket = () => setImmediate(ready);
      const ready = () => {
        clearTimeout(grace);
        secure.off("session", onTicket);
        settle({ ok: true, socket: secure, session, certificate });
      };
      const grace = setTimeout(ready, _TICKET_GRACE_MS);
      secure.once("session", onTicket);
    });
  });
}

/**
 * Asks for TLS 1.0 or 1.1 only, to learn whether a server that refused a
 * modern handshake speaks nothing newer. This is a question, not a session:
 * the connection is closed the moment the handshake ends, before a single
 * application byte, so there is nothing to verify. Resolves with the version
 * the server chose ("TLSv1", "TLSv1.1"), or undefined when it refused that too
 * (or this runtime cannot speak those versions: Deno's rustls never does).
 */
export function legacyTlsVersion(socket: Duplex, name: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let secure: tls.TLSSocket;
    try {
      secure = tls.connect({
        socket,
        servername: net.isIP(name) ? undefined : name,
        minVersion: "TLSv1",
        maxVersion: "TLSv1.1",
        // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; lowered only for this question.
        ciphers: "DEFAULT@SECLEVEL=0",
        rejectUnauthorized: false,
      });
    } catch {
      return resolve(undefined);
    }
    let settled = false;
    const settle = (version: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void release(secure).then(() => resolve(version));
    };
    const timer = setTimeout(() => settle(undefined), timeoutMs);
    secure.on("error", () => settle(undefined));
    secure.once("secureConnect", () => {
      const version = secure.getProtocol() ?? undefined;
      settle(version === "TLSv1" || version === "TLSv1.1" ? version : undefined);
    });
  });
}
