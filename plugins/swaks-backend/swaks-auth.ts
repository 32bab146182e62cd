/**
 * The auth layer through swaks. The first swaks session (no credentials)
 * showed the mechanisms offered after TLS; smtpilot picks exactly the one its
 * own client would (core/smtp/sasl.ts), and a second session — the only one
 * that ever has the secret, on its stdin — tries that one mechanism once.
 * smtpilot's auth layer then reads that session from its AUTH command on.
 */
import type net from "node:net";
import type { LayerResult } from "../../core/layer.ts";
import { runAuth } from "../../core/layers/auth.ts";
import { currentCapabilities, type LayerContext, since } from "../../core/layers/context.ts";
import { SmtpConnection } from "../../core/smtp/connection.ts";
import { chooseMechanism } from "../../core/smtp/sasl.ts";
import { TIMED_OUT, within } from "../../core/timing.ts";
import { SWAKS_MECHANISMS } from "./swaks-args.ts";
import type { SwaksDriver, SwaksMode } from "./swaks-driver.ts";
import type { SwaksTranscript } from "./swaks-transcript.ts";
import { swaksExitStage, unknownLayer } from "./swaks-unknown.ts";
import { SwaksWire } from "./swaks-wire.ts";

/** What the auth step works with. */
export interface AuthStep {
  ctx: LayerContext;
  driver: SwaksDriver;
  tx: SwaksTranscript;
  mode: SwaksMode;
  /** The second session goes on to RCPT (the envelope layer reads it too). */
  withEnvelope: boolean;
  /** Turns a result read from a wire into unknown where swaks could not tell. */
  checked: (result: LayerResult) => LayerResult;
}

/** Runs the auth layer; on success `ctx.state.conn` reads the second session after AUTH. */
export async function authThroughSwaks(step: AuthStep): Promise<LayerResult> {
  const { ctx, driver } = step;
  const auth = ctx.options.auth as NonNullable<typeof ctx.options.auth>;
  const start = ctx.io.clock.now();
  const caps = currentCapabilities(ctx);
  const mechanism = caps ? chooseMechanism(caps.auth, auth.mechanism) : undefined;
  // Withheld (no verified TLS), no secret, nothing offered, nothing usable: the core says so without sending.
  if (!ctx.state.tlsVerified || !auth.secret || !caps || caps.auth.length === 0 || mechanism === undefined) {
    return step.checked(await runAuth(ctx, start));
  }
  const facts = { user: auth.user, secretRef: auth.secretRef, offered: caps.auth, mechanism };
  const unknown = (what: string) => unknownLayer("auth", since(ctx, start), what, facts);
  if (!SWAKS_MECHANISMS.includes(mechanism)) {
    return unknown(`smtpilot would use ${mechanism}, which swaks does not speak (PLAIN, LOGIN, CRAM-MD5)`);
  }
  if (/[\r\n]/.test(auth.secret) || auth.secret === "<>") {
    return unknown('the secret holds a line break (or is "<>"), which swaks\' password prompt cannot take');
  }
  await driver.stopAll();
  step.tx.note(
    `swaks session 2, with credentials: one login with the ${mechanism} mechanism; the password goes to swaks' stdin after smtpilot's guard loaded, never on its command line`,
  );
  const run = driver.start(step.mode, step.withEnvelope ? "RCPT" : "AUTH", { mechanism, user: auth.user });
  try {
    (await driver.wireOf(run)).destroy();
  } catch (err) {
    return unknown(`swaks' session with credentials could not connect (${(err as { code?: string }).code})`);
  }
  // The session up to AUTH repeats what the first one showed; the replay starts at swaks' AUTH.
  const at = await run.waitFor((e) => e.kind === "client" && /^AUTH /i.test(e.line), ctx.options.timeoutMs * 3);
  if (!at) {
    const exit = await within(run.exited, 1000);
    const how = exit === TIMED_OUT
      ? "it stalled"
      : `exit ${exit.code ?? exit.signal}: ${swaksExitStage(exit.code, exit.signal)}`;
    return unknown(`swaks' session with credentials ended before AUTH (${how})`);
  }
  const wire = new SwaksWire(run, run.events.indexOf(at));
  driver.wire = wire;
  ctx.state.conn = new SmtpConnection(wire as unknown as net.Socket, ctx.transcript);
  // The replay never needs the secret: payloads are not compared, so a stand-in of the same length does.
  const replay = { ...ctx, options: { ...ctx.options, auth: { ...auth, secret: "x".repeat(auth.secret.length) } } };
  return step.checked(await runAuth(replay, start));
}
