/**
 * The diagnosis engine: runs the layers of one SMTP session in order and stops
 * at the first broken one; the rest are reported as skipped, "blocked by" it.
 * For implicit TLS the tls layer runs before the greeting; `--tls auto` finds
 * out which mode the port speaks instead of guessing from the port number.
 */
import type net from "node:net";
import { type DiagnoseOptions, probeMode } from "./diagnose-options.ts";
import { type Connector, connectWithin, type DiagnoseIo, release, systemIo } from "./io.ts";
import { within } from "./timing.ts";
import { makeRedactor } from "./redact.ts";
import type { ReplyRule } from "./knowledge/reply-rule.ts";
import { type Facts, failed, LAYER_IDS, type LayerId, type LayerResult, skipped } from "./layer.ts";
import { DIAGNOSE_SCHEMA, type DiagnoseReport, verdictOf } from "./report.ts";
import { SmtpConnection } from "./smtp/connection.ts";
import { Transcript } from "./smtp/transcript.ts";
import type { TlsProbe } from "./tls/port-speaks.ts";
import { runAuth } from "./layers/auth.ts";
import { currentCapabilities, type LayerContext } from "./layers/context.ts";
import type { Capabilities } from "./smtp/capabilities.ts";
import { runDns } from "./layers/dns.ts";
import { defaultEhloName, ehloExchange, ehloFailed, runEhlo } from "./layers/ehlo.ts";
import { runEnvelope } from "./layers/envelope.ts";
import { awaitFirstContact, type FirstContact } from "./layers/first-contact.ts";
import { runGreeting } from "./layers/greeting.ts";
import { runTcp } from "./layers/tcp.ts";
import { modeMismatch, runImplicitTls, runStartTls } from "./layers/tls.ts";

/** Extension points a diagnosis consults (filled from plugins by the caller). */
export interface DiagnoseExtensions {
  /** Reply knowledge consulted before the core table. */
  replyRules?: readonly ReplyRule[];
  /** Called as each layer starts, for progress display on long waits. */
  onProgress?: (layer: LayerId) => void;
  /**
   * Runs on the open session once every layer passed — the send workflow's
   * mail transactions, on the same verified, authenticated connection the
   * diagnosis proved. The session is closed (QUIT, every socket released)
   * after it returns or throws, exactly as after a diagnosis.
   */
  onSession?: (session: OpenSession) => Promise<void>;
}

/** The live session handed to `onSession`. */
export interface OpenSession {
  conn: SmtpConnection;
  capabilities: Capabilities;
  transcript: Transcript;
  /** Reply knowledge in force (plugin rules first). */
  rules: readonly ReplyRule[];
  /** True: credentials and mail only ever cross a verified TLS session (or --tls none by request). */
  tlsVerified: boolean;
  /** The server's name from its EHLO reply. */
  server: string;
}

/** Runs a diagnosis and returns its report; never throws for network findings. */
export async function diagnose(
  options: DiagnoseOptions,
  io: DiagnoseIo = systemIo(),
  extensions: DiagnoseExtensions = {},
): Promise<DiagnoseReport> {
  // Redaction happens where text enters, before anything is shortened or interpreted.
  const transcript = new Transcript(io.clock.now, makeRedactor([options.auth?.secret]));
  const opened = new Set<net.Socket>();
  const ctx: LayerContext = {
    options,
    io: { ...io, connect: _tracking(io.connect, opened) },
    transcript,
    rules: extensions.replyRules ?? [],
    state: {
      addresses: [],
      tls: options.tls === "auto" ? "unknown" : options.tls,
      tlsVerified: false,
      usedHelo: false,
    },
  };
  const layers: LayerResult[] = [];
  try {
    await _session(ctx, layers, extensions.onProgress ?? (() => {}));
    const caps = currentCapabilities(ctx);
    if (extensions.onSession && ctx.state.conn && caps && !layers.some((l) => l.status === "fail")) {
      await extensions.onSession({
        conn: ctx.state.conn,
        capabilities: caps,
        transcript,
        rules: ctx.rules,
        tlsVerified: ctx.state.tlsVerified,
        server: caps.domain,
      });
    }
    await _goodbye(ctx, layers);
  } finally {
    // Every step releases what it opened; this catches what a failure path may have left, and
    // waits until the handles are gone so the caller can exit the moment the verdict is out.
    ctx.state.conn?.destroy();
    await Promise.all([ctx.state.conn?.socket, ctx.state.rawSocket, ...opened].map(_released));
  }
  return {
    schema: DIAGNOSE_SCHEMA,
    mode: probeMode(options),
    target: { host: options.host, port: options.port, tls: options.tls },
    layers: _withSkipped(ctx, layers),
    verdict: verdictOf(layers),
    transcript: transcript.toJSON(),
  };
}

/** A connector that remembers every socket it handed out, for the final clean-up. */
function _tracking(connect: Connector, opened: Set<net.Socket>): Connector {
  return async (address, port, signal) => {
    const socket = await connect(address, port, signal);
    opened.add(socket);
    socket.once("close", () => opened.delete(socket));
    return socket;
  };
}

/** Releases a socket, bounded: a stream that never reports its close must not hold up the report. */
async function _released(socket: net.Socket | undefined): Promise<void> {
  if (socket) await within(release(socket), _RELEASE_MS);
}

const _RELEASE_MS = 500;

/** Records layer results in run order and reports progress; `run` is false once a layer failed. */
class _Steps {
  readonly ctx: LayerContext;
  readonly layers: LayerResult[];
  readonly progress: (id: LayerId) => void;

  // Plain fields, not parameter properties: the sources stay erasable TypeScript.
  constructor(ctx: LayerContext, layers: LayerResult[], progress: (id: LayerId) => void) {
    this.ctx = ctx;
    this.layers = layers;
    this.progress = progress;
  }

  /** Records a result; true when the session may go on. */
  ok(result: LayerResult): boolean {
    this.layers.push(result);
    return result.status !== "fail";
  }

  /** Announces a layer, runs it from now, records it. */
  async run(id: LayerId, layer: (start: number) => Promise<LayerResult>): Promise<boolean> {
    this.progress(id);
    return this.ok(await layer(this.ctx.io.clock.now()));
  }
}

async function _session(ctx: LayerContext, layers: LayerResult[], progress: (id: LayerId) => void): Promise<void> {
  const { options, state } = ctx;
  const steps = new _Steps(ctx, layers, progress);
  if (!await steps.run("dns", () => runDns(ctx))) return;
  if (!await steps.run("tcp", () => runTcp(ctx))) return;
  const raw = state.rawSocket;
  if (!raw) return;
  state.ehloName = options.ehloName ?? defaultEhloName(raw.localAddress);

  const opened = options.tls === "implicit"
    ? await steps.run("tls", (t) => runImplicitTls(ctx, t)) &&
      await steps.run("greeting", (t) => runGreeting(ctx, t, { kind: "bytes" }))
    : await _openPlainFirst(steps);
  if (!opened) return;
  if (!await steps.run("ehlo", (t) => runEhlo(ctx, t))) return;
  if (options.auth && !await steps.run("auth", (t) => runAuth(ctx, t))) return;
  if (options.from !== undefined && options.to.length > 0) await steps.run("envelope", (t) => runEnvelope(ctx, t));
}

/**
 * Ends the session with QUIT whenever the server is still talking, failure or
 * not: a server that answered deserves a proper goodbye (RFC 5321 wants QUIT
 * even after a 554 banner), and one torn down mid-TLS logs an error against
 * this client. A server that stopped answering gets no more waiting.
 */
async function _goodbye(ctx: LayerContext, layers: readonly LayerResult[]): Promise<void> {
  const conn = ctx.state.conn;
  if (!conn || conn.closed) return;
  // Only a server that sent an SMTP banner is spoken to: not a silent, TLS-only or HTTP port.
  if (!layers.some((l) => l.id === "greeting" && l.facts.banner !== undefined)) return;
  const failure = layers.find((l) => l.status === "fail")?.diagnosis?.code ?? "";
  if (/\.(?:timeout|protocol-error)$/.test(failure)) return;
  await conn.quit(Math.min(1000, ctx.options.timeoutMs));
}

/**
 * Every mode but explicit implicit TLS: wait for the server to speak. A banner
 * leads to the greeting (then EHLO and STARTTLS unless --tls none); a silent
 * port that speaks TLS is a mismatch, or under --tls auto is used as implicit TLS.
 */
async function _openPlainFirst(steps: _Steps): Promise<boolean> {
  const { ctx } = steps;
  const { options, state, io } = ctx;
  steps.progress("greeting");
  state.conn = new SmtpConnection(state.rawSocket as net.Socket, ctx.transcript);
  const contact = await awaitFirstContact(ctx, state.conn);
  if (contact.kind === "tls" && options.tls !== "auto") {
    const waited = Math.round(io.clock.now() - (state.connectedAt ?? io.clock.now()));
    const facts = { mode: options.tls, portSpeaks: "tls", portProbe: _probeFacts(contact.probe) };
    return steps.ok(failed("tls", waited, facts, modeMismatch(`--tls ${options.tls}`, "tls", options.port)));
  }
  if (contact.kind === "tls") return await _openDetectedImplicit(steps, contact);
  if (!steps.ok(await runGreeting(ctx, state.connectedAt ?? io.clock.now(), contact))) return false;
  if (options.tls === "none") return true;
  steps.progress("ehlo");
  const start = io.clock.now();
  const pre = await ehloExchange(ctx);
  if (!pre.ok) return steps.ok(ehloFailed(ctx, start, pre));
  state.capsBefore = pre.caps;
  state.usedHelo = pre.helo;
  state.tls = "starttls";
  return await steps.run("tls", (t) => runStartTls(ctx, t));
}

/**
 * --tls auto found a silent port that speaks TLS. Nothing was sent on the
 * silent connection yet, so it can still start TLS — unless the server closed
 * it meanwhile (a short idle timeout), in which case a fresh one is needed.
 * The tls layer's time starts at the TCP connection: the silence that led to
 * the detection and the side probe belong to it, so the layers add up to the
 * wall time.
 */
async function _openDetectedImplicit(steps: _Steps, contact: Extract<FirstContact, { kind: "tls" }>): Promise<boolean> {
  const { ctx } = steps;
  const { state, io } = ctx;
  const start = state.connectedAt ?? io.clock.now();
  const detection = {
    detectedBy: "side-probe",
    detectedAfterMs: Math.round(io.clock.now() - start),
    portProbe: _probeFacts(contact.probe),
  };
  state.conn?.detach();
  state.conn = undefined;
  state.tls = "implicit";
  ctx.transcript.add("*", "port is silent and speaks TLS: using implicit TLS");
  if (contact.reconnect && !await _reconnect(ctx, steps.layers, start)) return false;
  steps.progress("tls");
  let tls = await runImplicitTls(ctx, start, detection);
  if (tls.diagnosis?.code === "tls.connection-dropped" && !contact.reconnect) {
    // The silent connection's idle timeout may have struck while our ClientHello was on its way.
    ctx.transcript.add("*", "connection dropped during the handshake: retrying once on a new connection");
    if (!await _reconnect(ctx, steps.layers, start)) return false;
    tls = await runImplicitTls(ctx, start, detection);
  }
  return steps.ok(tls) && await steps.run("greeting", (t) => runGreeting(ctx, t, { kind: "bytes" }));
}

/** What a side probe learned, as facts. */
function _probeFacts(probe: TlsProbe): Facts {
  return { outcome: probe.outcome, ...(probe.alert ? { alert: probe.alert } : {}) };
}

/** Opens a new TCP connection to the address that worked; on failure records the tls layer as failed. */
async function _reconnect(ctx: LayerContext, layers: LayerResult[], start: number): Promise<boolean> {
  const { state, options, io } = ctx;
  try {
    state.rawSocket = await connectWithin(
      io.connect,
      state.address?.address ?? options.host,
      options.port,
      options.timeoutMs,
    );
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "EUNKNOWN";
    layers.push(failed("tls", Math.round(io.clock.now() - start), { mode: "implicit", reconnectError: code }, {
      code: "tls.connection-dropped",
      summary: `The port speaks TLS, but a new connection to it failed (${code})`,
      cause: "The server closed the first, silent connection and refused or dropped the next one.",
      next: "Retry with --tls implicit; if it persists, check the server's connection limits for your IP.",
    }));
    return false;
  }
}

/** Adds a skipped entry for every layer that did not run, after those that did. */
function _withSkipped(ctx: LayerContext, ran: LayerResult[]): LayerResult[] {
  const failedAt = ran.find((l) => l.status === "fail")?.id;
  const done = new Set<LayerId>(ran.map((l) => l.id));
  const rest = LAYER_IDS.filter((id) => !done.has(id)).map((id) => skipped(id, _skipReason(ctx, id, failedAt)));
  return [...ran, ...rest];
}

function _skipReason(ctx: LayerContext, id: LayerId, failedAt: LayerId | undefined): string {
  const { options } = ctx;
  if (id === "tls" && options.tls === "none") return "not requested (--tls none): the session stays unencrypted";
  if (id === "auth" && !options.auth) return "connectivity probe: no --user given";
  if (id === "envelope" && (options.from === undefined || options.to.length === 0)) return "no --from/--to given";
  return failedAt ? `blocked by ${failedAt}` : "not run";
}
