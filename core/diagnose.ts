/**
 * The diagnosis engine: runs the layers of one SMTP session in order and stops
 * at the first broken one; the rest are reported as skipped, "blocked by" it.
 * For implicit TLS the tls layer runs before the greeting; `--tls auto` finds
 * out which mode the port speaks instead of guessing from the port number.
 */
import { type DiagnoseOptions, probeMode } from "./diagnose-options.ts";
import { connectWithin, type DiagnoseIo, systemIo } from "./io.ts";
import { makeRedactor } from "./redact.ts";
import type { ReplyRule } from "./knowledge/reply-rule.ts";
import { failed, LAYER_IDS, type LayerId, type LayerResult, skipped } from "./layer.ts";
import { DIAGNOSE_SCHEMA, type DiagnoseReport, verdictOf } from "./report.ts";
import { SmtpConnection } from "./smtp/connection.ts";
import { Transcript } from "./smtp/transcript.ts";
import { runAuth } from "./layers/auth.ts";
import type { LayerContext } from "./layers/context.ts";
import { runDns } from "./layers/dns.ts";
import { defaultEhloName, ehloExchange, ehloFailed, runEhlo } from "./layers/ehlo.ts";
import { runEnvelope } from "./layers/envelope.ts";
import { awaitFirstContact } from "./layers/first-contact.ts";
import { runGreeting } from "./layers/greeting.ts";
import { runTcp } from "./layers/tcp.ts";
import { modeMismatch, runImplicitTls, runStartTls } from "./layers/tls.ts";

/** Extension points a diagnosis consults (filled from plugins by the caller). */
export interface DiagnoseExtensions {
  /** Reply knowledge consulted before the core table. */
  replyRules?: readonly ReplyRule[];
  /** Called as each layer starts, for progress display on long waits. */
  onProgress?: (layer: LayerId) => void;
}

/** Runs a diagnosis and returns its report; never throws for network findings. */
export async function diagnose(
  options: DiagnoseOptions,
  io: DiagnoseIo = systemIo(),
  extensions: DiagnoseExtensions = {},
): Promise<DiagnoseReport> {
  // Redaction happens where text enters, before anything is shortened or interpreted.
  const transcript = new Transcript(io.clock.now, makeRedactor([options.auth?.secret]));
  const ctx: LayerContext = {
    options,
    io,
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
  } finally {
    ctx.state.conn?.destroy();
    ctx.state.rawSocket?.destroy();
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

async function _session(ctx: LayerContext, layers: LayerResult[], progress: (id: LayerId) => void): Promise<void> {
  const { options, state, io } = ctx;
  const ok = (r: LayerResult) => (layers.push(r), r.status !== "fail");
  const run = async (id: LayerId, layer: (start: number) => Promise<LayerResult>) => {
    progress(id);
    return ok(await layer(io.clock.now()));
  };
  // TLS first, then the banner: implicit TLS, requested or detected.
  const implicitThenGreeting = async () =>
    await run("tls", (t) => runImplicitTls(ctx, t)) &&
    await run("greeting", (t) => runGreeting(ctx, t, { kind: "bytes" }));

  if (!await run("dns", () => runDns(ctx))) return;
  if (!await run("tcp", () => runTcp(ctx))) return;
  const raw = state.rawSocket;
  if (!raw) return;
  state.ehloName = options.ehloName ?? defaultEhloName(raw.localAddress);

  if (options.tls === "implicit") {
    if (!await implicitThenGreeting()) return;
  } else {
    progress("greeting");
    state.conn = new SmtpConnection(raw, ctx.transcript);
    const contact = await awaitFirstContact(ctx, state.conn);
    if (contact.kind === "tls" && options.tls !== "auto") {
      const waited = Math.round(io.clock.now() - (state.connectedAt ?? io.clock.now()));
      const facts = { mode: options.tls, portSpeaks: "tls" };
      return void layers.push(failed("tls", waited, facts, modeMismatch(`--tls ${options.tls}`, "tls", options.port)));
    }
    if (contact.kind === "tls") {
      // Nothing was sent on the silent connection yet, so it can still start TLS — unless the
      // server closed it meanwhile (a short idle timeout), in which case a fresh one is needed.
      state.conn.detach();
      state.conn = undefined;
      state.tls = "implicit";
      ctx.transcript.add("*", "port is silent and speaks TLS: using implicit TLS");
      if (contact.reconnect && !await _reconnect(ctx, layers)) return;
      progress("tls");
      let tls = await runImplicitTls(ctx, io.clock.now());
      if (tls.diagnosis?.code === "tls.connection-dropped" && !contact.reconnect) {
        // The silent connection's idle timeout may have struck while our ClientHello was on its way.
        ctx.transcript.add("*", "connection dropped during the handshake: retrying once on a new connection");
        if (!await _reconnect(ctx, layers)) return;
        tls = await runImplicitTls(ctx, io.clock.now());
      }
      if (!ok(tls) || !await run("greeting", (t) => runGreeting(ctx, t, { kind: "bytes" }))) return;
    } else {
      if (!ok(await runGreeting(ctx, state.connectedAt ?? io.clock.now(), contact))) return;
      if (options.tls !== "none") {
        progress("ehlo");
        const start = io.clock.now();
        const pre = await ehloExchange(ctx);
        if (!pre.ok) return void layers.push(ehloFailed(ctx, start, pre));
        state.capsBefore = pre.caps;
        state.usedHelo = pre.helo;
        state.tls = "starttls";
        if (!await run("tls", (t) => runStartTls(ctx, t))) return;
      }
    }
  }
  if (!await run("ehlo", (t) => runEhlo(ctx, t))) return;
  if (options.auth && !await run("auth", (t) => runAuth(ctx, t))) return;
  if (options.from !== undefined && options.to.length > 0 && !await run("envelope", (t) => runEnvelope(ctx, t))) return;
  await state.conn?.quit();
}

/** Opens a new TCP connection to the address that worked; on failure records the tls layer as failed. */
async function _reconnect(ctx: LayerContext, layers: LayerResult[]): Promise<boolean> {
  const { state, options, io } = ctx;
  const start = io.clock.now();
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
