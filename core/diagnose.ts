/**
 * The diagnosis engine: runs the layers of one SMTP session in order and stops
 * at the first broken one; the rest are reported as skipped, "blocked by" it.
 * For implicit TLS the tls layer runs before the greeting; `--tls auto` finds
 * out which mode the port speaks instead of guessing from the port number.
 */
import { type DiagnoseOptions, probeMode } from "./diagnose-options.ts";
import { type DiagnoseIo, systemIo } from "./io.ts";
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
}

/** Runs a diagnosis and returns its report; never throws for network findings. */
export async function diagnose(
  options: DiagnoseOptions,
  io: DiagnoseIo = systemIo(),
  extensions: DiagnoseExtensions = {},
): Promise<DiagnoseReport> {
  const transcript = new Transcript(io.clock.now);
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
    await _session(ctx, layers);
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

async function _session(ctx: LayerContext, layers: LayerResult[]): Promise<void> {
  const { options, state, io } = ctx;
  const ok = (r: LayerResult) => (layers.push(r), r.status !== "fail");
  if (!ok(await runDns(ctx))) return;
  if (!ok(await runTcp(ctx))) return;
  const raw = state.rawSocket;
  if (!raw) return;
  state.ehloName = options.ehloName ?? defaultEhloName(raw.localAddress);

  let greetingStart = io.clock.now();
  if (options.tls === "implicit") {
    if (!ok(await runImplicitTls(ctx, io.clock.now()))) return;
    greetingStart = io.clock.now();
    if (!ok(await runGreeting(ctx, greetingStart, { kind: "bytes" }))) return;
  } else {
    state.conn = new SmtpConnection(raw, ctx.transcript);
    const contact = await awaitFirstContact(ctx, state.conn);
    if (contact.kind === "tls") {
      if (options.tls !== "auto") {
        layers.push(
          failed(
            "tls",
            0,
            { mode: options.tls, portSpeaks: "tls" },
            modeMismatch(`--tls ${options.tls}`, "tls", options.port),
          ),
        );
        return;
      }
      // Nothing was sent on the silent connection yet, so it can still start TLS.
      state.conn.detach();
      state.conn = undefined;
      state.tls = "implicit";
      ctx.transcript.add("*", "port is silent and speaks TLS: using implicit TLS");
      if (!ok(await runImplicitTls(ctx, io.clock.now()))) return;
      greetingStart = io.clock.now();
      if (!ok(await runGreeting(ctx, greetingStart, { kind: "bytes" }))) return;
    } else {
      greetingStart = state.connectedAt ?? greetingStart;
      if (!ok(await runGreeting(ctx, greetingStart, contact))) return;
      if (options.tls !== "none") {
        const start = io.clock.now();
        const pre = await ehloExchange(ctx);
        if (!pre.ok) return void layers.push(ehloFailed(ctx, start, pre));
        state.capsBefore = pre.caps;
        state.usedHelo = pre.helo;
        state.tls = "starttls";
        if (!ok(await runStartTls(ctx, io.clock.now()))) return;
      }
    }
  }
  if (!ok(await runEhlo(ctx, io.clock.now()))) return;
  if (options.auth && !ok(await runAuth(ctx, io.clock.now()))) return;
  if (options.from !== undefined && options.to.length > 0 && !ok(await runEnvelope(ctx, io.clock.now()))) return;
  await state.conn?.quit();
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
