/**
 * One diagnosis through swaks. The layers are smtpilot's own (core/layers),
 * in the built-in engine's order, run on a SwaksWire: swaks does the SMTP
 * session, smtpilot's layer code reads what swaks printed. Where swaks is
 * blind or unsafe, smtpilot acts on its own side connections with the same
 * core code, and says so in the transcript:
 *
 * - TLS: smtpilot makes its own verified handshake (the built-in rules for
 *   certificates, mode mismatches and old TLS) and compares the certificate
 *   swaks got; swaks' own handshake must succeed too.
 * - A silent port: the built-in side probes; and a port that speaks while
 *   swaks shows nothing (a reply without CRLF or that never ends) is found
 *   after the greeting pause and read by the built-in greeting layer on a
 *   side connection: bytes that break SMTP get the built-in verdict (the
 *   same whether swaks gave up on them first or not), anything else is
 *   unknown, never a timeout.
 * - AUTH: a first swaks session without credentials shows the offered
 *   mechanisms; smtpilot picks exactly one (core/smtp/sasl.ts) and a second
 *   session tries that one only, so a login is attempted at most once.
 */
import type net from "node:net";
import { probeMode } from "../../core/diagnose-options.ts";
import { connectWithin, release } from "../../core/io.ts";
import { type Facts, failed, type LayerResult, passed } from "../../core/layer.ts";
import { currentCapabilities, type LayerContext, since } from "../../core/layers/context.ts";
import { runDns } from "../../core/layers/dns.ts";
import { defaultEhloName, ehloExchange, ehloFailed, runEhlo } from "../../core/layers/ehlo.ts";
import { runEnvelope } from "../../core/layers/envelope.ts";
import { awaitFirstContact } from "../../core/layers/first-contact.ts";
import { runGreeting } from "../../core/layers/greeting.ts";
import { runTcp } from "../../core/layers/tcp.ts";
import { modeMismatch, runImplicitTls, runStartTls } from "../../core/layers/tls.ts";
import { readFailureDiagnosis } from "../../core/layers/_failure.ts";
import type { ProbeRequest } from "../../core/plugin.ts";
import { DIAGNOSE_SCHEMA, type DiagnoseReport, verdictOf } from "../../core/report.ts";
import { hasCapability } from "../../core/smtp/capabilities.ts";
import { SmtpConnection } from "../../core/smtp/connection.ts";
import type { PortProtocol } from "../../core/tls/port-speaks.ts";
import { authThroughSwaks } from "./swaks-auth.ts";
import { SwaksDriver, type SwaksSetup } from "./swaks-driver.ts";
import { localAddressFor, sideNudge, watchBlindness } from "./swaks-side-probes.ts";
import { combineTls, sideBeforeStartTls } from "./swaks-tls-check.ts";
import { NotesOnly, SwaksTranscript } from "./swaks-transcript.ts";
import { swaksExitStage, unknownLayer, withSkipped } from "./swaks-unknown.ts";
import type { SwaksWire } from "./swaks-wire.ts";

export type { SwaksSetup };

/** Codes that say "the connection ended": not observed when swaks itself ended first. */
const _ENDED = /\.connection-dropped$|^greeting\.connection-closed$/;
/** Protocols a silent-for-swaks port may answer a side connection with that name a greeting.not-smtp. */
const _NOT_SMTP: readonly PortProtocol[] = ["http", "ssh", "pop3", "imap"];
/**
 * Greeting verdicts a side connection's bytes prove on their own (a reply
 * that breaks SMTP, another protocol): anything else it saw (a banner, a
 * timeout) says nothing about why swaks shows nothing, which stays unknown.
 */
const _SIDE_VERDICT = /^greeting\.(?:protocol-error|not-smtp)$/;

/** Runs the layers through swaks and returns the report. */
export class SwaksSession {
  readonly #req: ProbeRequest;
  readonly #tx: SwaksTranscript;
  readonly #ctx: LayerContext;
  readonly #driver: SwaksDriver;
  readonly #layers: LayerResult[] = [];

  constructor(request: ProbeRequest, setup: SwaksSetup) {
    const { options, io } = request;
    this.#req = request;
    this.#tx = new SwaksTranscript(io.clock.now, options.auth?.secret);
    const driver = new SwaksDriver(options, io, setup, this.#tx);
    this.#driver = driver;
    this.#ctx = {
      options,
      io: { ...io, connect: (address, port, signal) => driver.connect(address, port, signal) },
      transcript: new NotesOnly(io.clock.now, this.#tx, options.auth?.secret),
      rules: request.replyRules,
      state: {
        addresses: [],
        tls: options.tls === "auto" ? "unknown" : options.tls,
        tlsVerified: false,
        usedHelo: false,
      },
    };
  }

  /** The diagnosis; never throws for findings. */
  async run(): Promise<DiagnoseReport> {
    const { options } = this.#req;
    try {
      await this.#session();
    } finally {
      // A swaks that has not finished by now has nothing more to say (QUIT, or a stage smtpilot stopped at).
      await this.#driver.finish();
      this.#ctx.state.conn?.destroy();
    }
    const failedLayer = this.#layers.find((l) => l.status === "fail");
    const runs = this.#driver.runs;
    const last = runs[runs.length - 1]?.events.find((e) => e.kind === "exit");
    if (failedLayer && last?.kind === "exit") {
      failedLayer.facts.swaksExit = { code: last.code, stage: swaksExitStage(last.code, last.signal) };
    }
    return {
      schema: DIAGNOSE_SCHEMA,
      mode: probeMode(options),
      target: { host: options.host, port: options.port, tls: options.tls },
      layers: withSkipped(options, this.#layers),
      verdict: verdictOf(this.#layers),
      transcript: this.#tx.transcript.toJSON(),
    };
  }

  async #session(): Promise<void> {
    const { options } = this.#req;
    const ctx = this.#ctx;
    if (!this.#ok(await this.#step("dns", () => runDns(ctx)))) return;
    const address = this.#pickAddress();
    this.#driver.address = address;
    ctx.state.addresses = ctx.state.addresses.filter((a) => a.address === address);
    ctx.state.ehloName = options.ehloName ?? defaultEhloName(await localAddressFor(address, options.port));
    this.#driver.ehloName = ctx.state.ehloName;
    const mode = options.tls === "implicit" ? "implicit" : options.tls === "none" ? "none" : "starttls";
    const withEnvelope = options.from !== undefined && options.to.length > 0;
    this.#driver.pending = this.#driver.start(mode, options.auth || !withEnvelope ? "EHLO" : "RCPT");
    const tcp = await this.#step("tcp", () => runTcp(ctx));
    this.#driver.pending = undefined;
    if (!this.#ok(this.#tcpChecked(tcp))) return;
    const opened = mode === "implicit"
      ? await this.#implicit(ctx.state.connectedAt ?? this.#now(), {})
      : await this.#plainFirst();
    if (!opened) return;
    if (!this.#ok(this.#checked(await this.#step("ehlo", (t) => runEhlo(ctx, t))))) return;
    if (options.auth) {
      const auth = await this.#step("auth", () =>
        authThroughSwaks({
          ctx,
          driver: this.#driver,
          tx: this.#tx,
          mode,
          withEnvelope,
          checked: (r) => this.#checked(r),
        }));
      if (!this.#ok(auth)) return;
    }
    if (withEnvelope) this.#ok(this.#envelope(this.#checked(await this.#step("envelope", (t) => runEnvelope(ctx, t)))));
  }

  /** Greeting first (STARTTLS, none, auto), as the built-in engine does it. */
  async #plainFirst(): Promise<boolean> {
    const ctx = this.#ctx;
    const { options, state } = ctx;
    this.#req.onProgress?.("greeting");
    const wire = this.#driver.wire as SwaksWire;
    const conn = new SmtpConnection(wire as unknown as net.Socket, ctx.transcript);
    state.conn = conn;
    const start = state.connectedAt ?? this.#now();
    const watching = new AbortController();
    const blind = watchBlindness(ctx, this.#driver, conn, watching.signal);
    const contact = await awaitFirstContact(ctx, conn);
    watching.abort();
    const heard = await blind;
    if (heard !== undefined) {
      const side = heard.greeting;
      if (_NOT_SMTP.includes(heard.speaks)) {
        return this.#ok(await runGreeting(ctx, start, { kind: "other", speaks: heard.speaks }));
      }
      if (side?.diagnosis && _SIDE_VERDICT.test(side.diagnosis.code)) {
        // The bytes themselves break SMTP: the built-in client's verdict, read on smtpilot's side connection.
        const facts = { ...side.facts, observedBy: "side-connection" };
        return this.#ok(failed("greeting", since(ctx, start), facts, side.diagnosis));
      }
      return this.#ok(unknownLayer(
        "greeting",
        since(ctx, start),
        "the server sends bytes swaks never shows (a reply without CRLF, a code that is not three digits, or a reply that never ends: swaks waits for a complete reply until its timeout)",
        { portSpeaks: heard.speaks },
      ));
    }
    if (contact.kind === "tls" && options.tls !== "auto") {
      const facts = { mode: options.tls, portSpeaks: "tls", portProbe: { outcome: contact.probe.outcome } };
      return this.#ok(
        failed("tls", since(ctx, start), facts, modeMismatch(`--tls ${options.tls}`, "tls", options.port)),
      );
    }
    if (contact.kind === "tls") return await this.#detectedImplicit(start, contact.probe.outcome);
    let greeting = this.#checked(await runGreeting(ctx, start, contact));
    if (greeting.status === "fail" && this.#driver.sawEndlessLine()) {
      // swaks read 1000 chunks without a line end and said so: a line too long, as the built-in parser finds.
      const violation = { kind: "line-too-long" as const, line: "(swaks: no line end after 1000 reads)", first: true };
      greeting = failed(
        "greeting",
        greeting.ms,
        { violation: violation.kind, observedBy: "swaks" },
        readFailureDiagnosis("greeting", { kind: "protocol", violation }, "the greeting"),
      );
    }
    if (greeting.diagnosis?.code === "greeting.timeout" && options.probes !== "off") {
      const speaks = await sideNudge(ctx, this.#driver.address, this.#tx);
      if (speaks) greeting = await runGreeting(ctx, start, { kind: "other", speaks });
    }
    if (!this.#ok(greeting)) return false;
    if (options.tls === "none") return true;
    this.#req.onProgress?.("ehlo");
    const t = this.#now();
    const pre = await ehloExchange(ctx);
    if (!pre.ok) return this.#ok(this.#checked(ehloFailed(ctx, t, pre)));
    state.capsBefore = pre.caps;
    state.usedHelo = pre.helo;
    state.tls = "starttls";
    return this.#ok(await this.#step("tls", (t2) => this.#startTls(t2)));
  }

  /** --tls auto found a silent port that speaks TLS: swaks again, with implicit TLS. */
  async #detectedImplicit(start: number, outcome: string): Promise<boolean> {
    const ctx = this.#ctx;
    const detection = {
      detectedBy: "side-probe",
      detectedAfterMs: Math.round(this.#now() - start),
      portProbe: { outcome },
    };
    ctx.state.conn?.detach();
    ctx.state.conn = undefined;
    ctx.transcript.add("*", "port is silent and speaks TLS: using implicit TLS (swaks again, with --tls-on-connect)");
    await this.#driver.stopAll();
    const withEnvelope = ctx.options.from !== undefined && ctx.options.to.length > 0;
    const run = this.#driver.start("implicit", ctx.options.auth || !withEnvelope ? "EHLO" : "RCPT");
    try {
      await this.#driver.wireOf(run);
    } catch (err) {
      return this.#ok(
        unknownLayer("tls", since(ctx, start), `swaks could not connect again for implicit TLS (${_why(err)})`),
      );
    }
    this.#req.onProgress?.("tls");
    return await this.#implicit(start, detection);
  }

  /** Implicit TLS: smtpilot's verified handshake beside swaks', then the greeting over TLS. */
  async #implicit(start: number, detection: Facts): Promise<boolean> {
    const ctx = this.#ctx;
    this.#req.onProgress?.("tls");
    this.#note();
    let own: LayerResult;
    let socket: net.Socket | undefined;
    try {
      socket = await connectWithin(ctx.io.connect, this.#driver.address, ctx.options.port, ctx.options.timeoutMs);
      const side = this.#sideCtx({ rawSocket: socket, conn: undefined, tls: "implicit" });
      own = await runImplicitTls(side, start, detection);
      side.state.conn?.destroy();
    } catch (err) {
      own = unknownLayer("tls", since(ctx, start), `smtpilot could not open its own connection (${_why(err)})`);
    } finally {
      if (socket) await release(socket);
    }
    const wire = this.#driver.wire as SwaksWire;
    const result = combineTls(
      own,
      await wire.consumeTls(ctx.options.timeoutMs),
      ctx.options,
      ctx.io.clock.date(),
      this.#driver.setup.program,
    );
    if (!this.#ok(result)) return false;
    ctx.state.tls = "implicit";
    ctx.state.tlsVerified = true;
    ctx.state.conn = new SmtpConnection(wire as unknown as net.Socket, ctx.transcript);
    return this.#ok(
      this.#checked(await this.#step("greeting", (t) => runGreeting(ctx, t, { kind: "bytes" }))),
    );
  }

  /** STARTTLS: swaks' capabilities decide whether it is offered; the handshake is judged as for implicit TLS. */
  async #startTls(start: number): Promise<LayerResult> {
    const ctx = this.#ctx;
    const caps = ctx.state.capsBefore;
    // Not offered: the core answers from swaks' EHLO without sending anything.
    if (!caps || !hasCapability(caps, "STARTTLS")) return this.#checked(await runStartTls(ctx, start));
    this.#note();
    let own: LayerResult;
    let side: SmtpConnection | undefined;
    try {
      const ready = await sideBeforeStartTls(ctx, this.#driver.address);
      side = ready.conn;
      const sideCtx = this.#sideCtx({ conn: side, capsBefore: ready.caps, tls: "starttls" });
      own = await runStartTls(sideCtx, start);
      sideCtx.state.conn?.destroy();
    } catch (err) {
      own = unknownLayer(
        "tls",
        since(ctx, start),
        `smtpilot could not reach STARTTLS on its own connection (${_why(err)})`,
      );
    } finally {
      side?.destroy();
      if (side) await release(side.socket);
    }
    const wire = this.#driver.wire as SwaksWire;
    const result = combineTls(
      own,
      await wire.consumeTls(ctx.options.timeoutMs),
      ctx.options,
      ctx.io.clock.date(),
      this.#driver.setup.program,
    );
    if (result.status === "fail") return result;
    ctx.state.tlsVerified = true;
    // A fresh parser for the session after TLS, as after a real STARTTLS.
    const conn = ctx.state.conn as SmtpConnection;
    conn.attach(conn.detach());
    return result;
  }

  /** swaks sends MAIL FROM without SIZE=: whether the declared size would pass is unknown. */
  #envelope(result: LayerResult): LayerResult {
    const caps = currentCapabilities(this.#ctx);
    if (result.status === "fail" || caps?.size === undefined) return result;
    return passed("envelope", result.ms, { ...result.facts, parametersNotSent: result.facts.parameters }, [
      ...result.warnings,
      {
        code: "envelope.size-unknown",
        summary:
          `swaks sends MAIL FROM without SIZE=${this.#ctx.options.declaredSize}: whether the server accepts a message of that size is unknown`,
      },
    ]);
  }

  /** A tcp failure whose reason swaks worded in a way smtpilot does not know is unknown, not guessed. */
  #tcpChecked(tcp: LayerResult): LayerResult {
    const attempts = (tcp.facts.attempts ?? []) as { error?: string }[];
    if (tcp.status !== "fail" || !attempts.some((a) => a.error === "ESWAKS")) return tcp;
    const why = this.#driver.connectError();
    return unknownLayer(
      "tcp",
      tcp.ms,
      `swaks could not connect (${why ?? "no reason given"})`,
      tcp.facts,
    );
  }

  /**
   * A layer that ran on swaks' session: a divergence (smtpilot's code wanted
   * to send what swaks did not) or a "connection ended" that was swaks
   * ending, not the server, makes it unknown.
   */
  #checked(result: LayerResult): LayerResult {
    const wire = this.#driver.wire;
    if (!wire) return result;
    if (wire.divergence) {
      const d = wire.divergence;
      return unknownLayer(result.id, result.ms, `smtpilot would send ${d.smtpilot} here, swaks sent ${d.swaks}`, {
        ...result.facts,
        divergence: d,
      });
    }
    const code = result.diagnosis?.code ?? "";
    const closedRead = code.endsWith(".protocol-error") && result.facts.closed === true;
    if (result.status === "fail" && wire.endedBy === "exit" && (_ENDED.test(code) || closedRead)) {
      return unknownLayer(result.id, result.ms, "swaks ended before the server answered", result.facts);
    }
    return result;
  }

  #sideCtx(state: Partial<LayerContext["state"]>): LayerContext {
    return { ...this.#ctx, state: { ...this.#ctx.state, ...state } };
  }

  #note(): void {
    this.#tx.note(
      "smtpilot: its own verified TLS handshake on a side connection (the built-in certificate rules; never any credentials), compared with swaks'",
    );
  }

  async #step(id: LayerResult["id"], layer: (start: number) => Promise<LayerResult>): Promise<LayerResult> {
    this.#req.onProgress?.(id);
    return await layer(this.#now());
  }

  #ok(result: LayerResult): boolean {
    this.#layers.push(result);
    return result.status !== "fail";
  }

  #pickAddress(): string {
    const all = this.#ctx.state.addresses;
    const v4 = all.find((a) => a.family === 4);
    return ((this.#driver.setup.program.ipv6 ? all[0] : v4 ?? all[0])?.address) ?? this.#req.options.host;
  }

  #now(): number {
    return this.#ctx.io.clock.now();
  }
}

function _why(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}
