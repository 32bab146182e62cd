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
 *   after the greeting pause and reported as unknown, not as a timeout.
 * - AUTH: a first swaks session without credentials shows the offered
 *   mechanisms; smtpilot picks exactly one (core/smtp/sasl.ts) and a second
 *   session tries that one only, so a login is attempted at most once.
 */
import dgram from "node:dgram";
import { X509Certificate } from "node:crypto";
import type net from "node:net";
import { isIP } from "node:net";
import { probeMode } from "../../core/diagnose-options.ts";
import { EnvironmentError } from "../../core/errors.ts";
import { connectWithin, release } from "../../core/io.ts";
import { type Facts, failed, type LayerResult, passed } from "../../core/layer.ts";
import { runAuth } from "../../core/layers/auth.ts";
import { currentCapabilities, type LayerContext, probeTarget, since } from "../../core/layers/context.ts";
import { runDns } from "../../core/layers/dns.ts";
import { defaultEhloName, ehloExchange, ehloFailed, runEhlo } from "../../core/layers/ehlo.ts";
import { runEnvelope } from "../../core/layers/envelope.ts";
import { awaitFirstContact, NUDGE_MS, patienceMs, PROBE_MS } from "../../core/layers/first-contact.ts";
import { runGreeting } from "../../core/layers/greeting.ts";
import { runTcp } from "../../core/layers/tcp.ts";
import { modeMismatch, runImplicitTls, runStartTls } from "../../core/layers/tls.ts";
import { readFailureDiagnosis } from "../../core/layers/_failure.ts";
import { certificateDiagnosis, handshakeDiagnosis } from "../../core/layers/_tls-failure.ts";
import type { ProbeRequest } from "../../core/plugin.ts";
import { DIAGNOSE_SCHEMA, type DiagnoseReport, verdictOf } from "../../core/report.ts";
import { hasCapability } from "../../core/smtp/capabilities.ts";
import { SmtpConnection, SmtpReadError } from "../../core/smtp/connection.ts";
import { chooseMechanism } from "../../core/smtp/sasl.ts";
import { Transcript } from "../../core/smtp/transcript.ts";
import { certificateFacts, classifyCertificateFailure } from "../../core/tls/certificate.ts";
import { listenFirst, type PortProtocol, protocolOf } from "../../core/tls/port-speaks.ts";
import { TIMED_OUT, within } from "../../core/timing.ts";
import { type QuitAfter, SWAKS_MECHANISMS, swaksArgs } from "./swaks-args.ts";
import { guardedEnv } from "./swaks-guard.ts";
import { connectErrorCode, tlsFailureCode } from "./swaks-output.ts";
import type { SwaksProgram } from "./swaks-program.ts";
import { SwaksRun } from "./swaks-run.ts";
import { NotesOnly, SwaksTranscript } from "./swaks-transcript.ts";
import { swaksExitStage, unknownLayer, withSkipped } from "./swaks-unknown.ts";
import { type SwaksTls, SwaksWire } from "./swaks-wire.ts";

/** What the backend prepared before the session: the program and the run's private folder. */
export interface SwaksSetup {
  program: SwaksProgram;
  guardDir: string;
  /** The private CA (`--ca`) as a file for `--tls-ca-path`. */
  caFile?: string;
}

/** Codes that say "the connection ended": not observed when swaks itself ended first. */
const _ENDED = /\.connection-dropped$|^greeting\.connection-closed$/;
/** Protocols a silent-for-swaks port may answer a side connection with that name a greeting.not-smtp. */
const _NOT_SMTP: readonly PortProtocol[] = ["http", "ssh", "pop3", "imap"];

/** Runs the layers through swaks and returns the report. */
export class SwaksSession {
  readonly #req: ProbeRequest;
  readonly #setup: SwaksSetup;
  readonly #tx: SwaksTranscript;
  readonly #ctx: LayerContext;
  readonly #layers: LayerResult[] = [];
  readonly #runs: SwaksRun[] = [];
  #wire: SwaksWire | undefined;
  /** The swaks run whose connection the next connect() is (the tcp layer's); others are side connections. */
  #pending: SwaksRun | undefined;
  #address = "";

  constructor(request: ProbeRequest, setup: SwaksSetup) {
    const { options, io } = request;
    this.#req = request;
    this.#setup = setup;
    this.#tx = new SwaksTranscript(io.clock.now, options.auth?.secret);
    this.#ctx = {
      options,
      io: { ...io, connect: (address, port, signal) => this.#connect(address, port, signal) },
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
      await Promise.all(this.#runs.map((r) => within(r.exited, 500)));
      await this.#stopAll();
      this.#ctx.state.conn?.destroy();
    }
    const failedLayer = this.#layers.find((l) => l.status === "fail");
    const last = this.#runs[this.#runs.length - 1]?.events.find((e) => e.kind === "exit");
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
    this.#address = address;
    ctx.state.addresses = ctx.state.addresses.filter((a) => a.address === address);
    ctx.state.ehloName = options.ehloName ?? defaultEhloName(await _localAddressFor(address, options.port));
    const mode = options.tls === "implicit" ? "implicit" : options.tls === "none" ? "none" : "starttls";
    const withEnvelope = options.from !== undefined && options.to.length > 0;
    this.#pending = this.#start(mode, options.auth || !withEnvelope ? "EHLO" : "RCPT");
    const tcp = await this.#step("tcp", () => runTcp(ctx));
    this.#pending = undefined;
    if (!this.#ok(this.#tcpChecked(tcp))) return;
    const opened = mode === "implicit"
      ? await this.#implicit(ctx.state.connectedAt ?? this.#now(), {})
      : await this.#plainFirst();
    if (!opened) return;
    if (!this.#ok(this.#checked(await this.#step("ehlo", (t) => runEhlo(ctx, t))))) return;
    if (options.auth && !await this.#auth(mode, withEnvelope)) return;
    if (withEnvelope) this.#ok(this.#envelope(this.#checked(await this.#step("envelope", (t) => runEnvelope(ctx, t)))));
  }

  /** Greeting first (STARTTLS, none, auto), as the built-in engine does it. */
  async #plainFirst(): Promise<boolean> {
    const ctx = this.#ctx;
    const { options, state } = ctx;
    this.#req.onProgress?.("greeting");
    const wire = this.#wire as SwaksWire;
    const conn = new SmtpConnection(wire as unknown as net.Socket, ctx.transcript);
    state.conn = conn;
    const start = state.connectedAt ?? this.#now();
    const watching = new AbortController();
    const blind = this.#watchBlindness(conn, watching.signal);
    const contact = await awaitFirstContact(ctx, conn);
    watching.abort();
    const heard = await blind;
    if (heard !== undefined) {
      const greeting = _NOT_SMTP.includes(heard)
        ? await runGreeting(ctx, start, { kind: "other", speaks: heard })
        : unknownLayer(
          "greeting",
          since(ctx, start),
          "the server sends bytes swaks never shows (a reply without CRLF, a code that is not three digits, or a reply that never ends: swaks waits for a complete reply until its timeout)",
          { portSpeaks: heard },
        );
      return this.#ok(greeting);
    }
    if (contact.kind === "tls" && options.tls !== "auto") {
      const facts = { mode: options.tls, portSpeaks: "tls", portProbe: { outcome: contact.probe.outcome } };
      return this.#ok(
        failed("tls", since(ctx, start), facts, modeMismatch(`--tls ${options.tls}`, "tls", options.port)),
      );
    }
    if (contact.kind === "tls") return await this.#detectedImplicit(start, contact.probe.outcome);
    let greeting = this.#checked(await runGreeting(ctx, start, contact));
    if (greeting.status === "fail" && this.#sawEndlessLine()) {
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
      const speaks = await this.#sideNudge();
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

  /**
   * After the greeting pause, a port swaks shows nothing from is asked on a
   * side connection (listening only): if it speaks there, swaks is blind to
   * what it says, and waiting for swaks' timeout would only end in a wrong
   * "timeout". Resolves with what the port said, or undefined.
   */
  async #watchBlindness(conn: SmtpConnection, signal: AbortSignal): Promise<PortProtocol | undefined> {
    const { options } = this.#ctx;
    if (options.probes === "off") return undefined;
    const stopped = new Promise<"stopped">((resolve) => signal.addEventListener("abort", () => resolve("stopped")));
    const first = await within(Promise.race([conn.activity, stopped]), patienceMs(options.port, options.timeoutMs));
    if (first !== TIMED_OUT) return undefined;
    const heard = await listenFirst(
      probeTarget(this.#ctx, PROBE_MS, signal),
      "to see whether the server says something swaks does not show (swaks prints a reply only once it is complete)",
    );
    if (signal.aborted || conn.gotBytes || ["silent", "closed", "tls"].includes(heard)) return undefined;
    await this.#stopAll();
    return heard;
  }

  /** The built-in engine's last resort for a silent port, on a side connection: QUIT, and see who answers. */
  async #sideNudge(): Promise<PortProtocol | undefined> {
    const { io, options } = this.#ctx;
    let socket: net.Socket;
    try {
      socket = await connectWithin(io.connect, this.#address, options.port, PROBE_MS);
    } catch {
      return undefined;
    }
    this.#tx.note("side connection: sent QUIT to see whether another protocol answers (swaks saw no banner)");
    const heard = await new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), NUDGE_MS);
      socket.once("data", (chunk: Buffer) => {
        clearTimeout(timer);
        resolve(chunk);
      });
      socket.once("error", () => resolve(undefined));
      socket.write("QUIT\r\n");
    });
    await release(socket);
    const speaks = heard ? protocolOf(heard) : undefined;
    return speaks && speaks !== "smtp" ? speaks : undefined;
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
    await this.#stopAll();
    const withEnvelope = ctx.options.from !== undefined && ctx.options.to.length > 0;
    const run = this.#start("implicit", ctx.options.auth || !withEnvelope ? "EHLO" : "RCPT");
    try {
      await this.#wireOf(run);
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
      socket = await connectWithin(ctx.io.connect, this.#address, ctx.options.port, ctx.options.timeoutMs);
      const side = this.#sideCtx({ rawSocket: socket, conn: undefined, tls: "implicit" });
      own = await runImplicitTls(side, start, detection);
      side.state.conn?.destroy();
    } catch (err) {
      own = unknownLayer("tls", since(ctx, start), `smtpilot could not open its own connection (${_why(err)})`);
    } finally {
      if (socket) await release(socket);
    }
    const wire = this.#wire as SwaksWire;
    const result = this.#combineTls(own, await wire.consumeTls(ctx.options.timeoutMs));
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
      const ready = await this.#sideBeforeStartTls();
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
    const wire = this.#wire as SwaksWire;
    const result = this.#combineTls(own, await wire.consumeTls(ctx.options.timeoutMs));
    if (result.status === "fail") return result;
    ctx.state.tlsVerified = true;
    // A fresh parser for the session after TLS, as after a real STARTTLS.
    const conn = ctx.state.conn as SmtpConnection;
    conn.attach(conn.detach());
    return result;
  }

  /** smtpilot's side connection brought to the point of STARTTLS: banner and EHLO. */
  async #sideBeforeStartTls(): Promise<
    { conn: SmtpConnection; caps: NonNullable<LayerContext["state"]["capsBefore"]> }
  > {
    const { io, options } = this.#ctx;
    const socket = await connectWithin(io.connect, this.#address, options.port, options.timeoutMs);
    const conn = new SmtpConnection(socket, new Transcript(io.clock.now));
    try {
      const banner = await conn.readReply(options.timeoutMs);
      if (banner.code !== 220) throw new Error(`banner ${banner.code}`);
      const outcome = await ehloExchange(this.#sideCtx({ conn }));
      if (!outcome.ok) throw new Error(outcome.diagnosis.code);
      return { conn, caps: outcome.caps };
    } catch (err) {
      conn.destroy();
      await release(socket);
      throw err instanceof SmtpReadError ? new Error(err.failure.kind) : err;
    }
  }

  /**
   * The tls layer from smtpilot's own handshake and swaks': smtpilot's
   * finding wins when it failed; swaks must have succeeded too, with the same
   * certificate or one that passes the same rules (a name and dates check on
   * the certificate swaks printed).
   */
  #combineTls(own: LayerResult, swaks: SwaksTls): LayerResult {
    const { options, io } = this.#ctx;
    const program = this.#setup.program;
    const seen: Facts = swaks.outcome === "started"
      ? {
        outcome: "started",
        protocol: swaks.protocol,
        cipher: swaks.cipher,
        hostNameCheckedBy: program.hostCheck === "native" ? "swaks" : swaks.armed ? "smtpilot-guard" : "smtpilot",
      }
      : swaks.outcome === "failed"
      ? { outcome: "failed", error: swaks.reason }
      : { outcome: "none", ...(swaks.reason ? { error: swaks.reason } : {}) };
    const facts = { ...own.facts, verifiedBy: "smtpilot", swaks: seen };
    if (own.status === "fail") return { ...own, facts };
    if (swaks.outcome === "failed") {
      return failed("tls", own.ms, facts, handshakeDiagnosis(tlsFailureCode(swaks.reason)));
    }
    if (swaks.outcome === "none") {
      return unknownLayer(
        "tls",
        own.ms,
        `swaks did not report a TLS handshake${swaks.reason ? ` (${swaks.reason})` : ""}`,
        facts,
      );
    }
    const mine = (own.facts.certificate as { fingerprint256?: string } | undefined)?.fingerprint256;
    if (swaks.pem !== undefined) {
      const cert = _x509(swaks.pem);
      if (cert && cert.fingerprint256 !== mine) {
        const name = options.servername ?? options.host;
        const now = io.clock.date();
        const code = classifyCertificateFailure(cert, name, now, "");
        const certFacts = certificateFacts(cert, now);
        // swaks verified the chain itself (--tls-verify); dates and name are checked here.
        if (code !== "tls.cert-untrusted") {
          return failed(
            "tls",
            own.ms,
            { ...facts, swaksCertificate: certFacts },
            certificateDiagnosis(code, name, certFacts, options.ca !== undefined),
          );
        }
        return { ...own, facts: { ...facts, swaksCertificate: certFacts } };
      }
    } else if (program.hostCheck === "none") {
      return unknownLayer("tls", own.ms, "swaks printed no certificate to compare with smtpilot's verified one", facts);
    }
    return { ...own, facts };
  }

  /** AUTH: the mechanism smtpilot would use, tried once by a second swaks session that has the secret. */
  async #auth(mode: "starttls" | "implicit" | "none", withEnvelope: boolean): Promise<boolean> {
    const ctx = this.#ctx;
    const auth = ctx.options.auth as NonNullable<typeof ctx.options.auth>;
    this.#req.onProgress?.("auth");
    const start = this.#now();
    const caps = currentCapabilities(ctx);
    const mechanism = caps ? chooseMechanism(caps.auth, auth.mechanism) : undefined;
    // Withheld (no verified TLS), no secret, nothing offered, nothing usable: the core says so without sending.
    if (!ctx.state.tlsVerified || !auth.secret || !caps || caps.auth.length === 0 || mechanism === undefined) {
      return this.#ok(this.#checked(await runAuth(ctx, start)));
    }
    const facts = { user: auth.user, secretRef: auth.secretRef, offered: caps.auth, mechanism };
    if (!SWAKS_MECHANISMS.includes(mechanism)) {
      return this.#ok(
        unknownLayer(
          "auth",
          since(ctx, start),
          `smtpilot would use ${mechanism}, which swaks does not speak (PLAIN, LOGIN, CRAM-MD5)`,
          facts,
        ),
      );
    }
    if (/[\r\n]/.test(auth.secret) || auth.secret === "<>") {
      return this.#ok(
        unknownLayer(
          "auth",
          since(ctx, start),
          'the secret holds a line break (or is "<>"), which swaks\' password prompt cannot take',
          facts,
        ),
      );
    }
    await this.#stopAll();
    this.#tx.note(
      `swaks session 2, with credentials: one login with the ${mechanism} mechanism; the password goes to swaks' stdin after smtpilot's guard loaded, never on its command line`,
    );
    const run = this.#start(mode, withEnvelope ? "RCPT" : "AUTH", { mechanism, user: auth.user });
    try {
      (await this.#wireOf(run)).destroy();
    } catch (err) {
      return this.#ok(
        unknownLayer(
          "auth",
          since(ctx, start),
          `swaks' session with credentials could not connect (${_why(err)})`,
          facts,
        ),
      );
    }
    // The session up to AUTH repeats what the first one showed; the replay starts at swaks' AUTH.
    const at = await run.waitFor((e) => e.kind === "client" && /^AUTH /i.test(e.line), ctx.options.timeoutMs * 3);
    if (!at) {
      const exit = await within(run.exited, 1000);
      const how = exit === TIMED_OUT
        ? "it stalled"
        : `exit ${exit.code ?? exit.signal}: ${swaksExitStage(exit.code, exit.signal)}`;
      return this.#ok(
        unknownLayer("auth", since(ctx, start), `swaks' session with credentials ended before AUTH (${how})`, facts),
      );
    }
    const wire = new SwaksWire(run, run.events.indexOf(at));
    this.#wire = wire;
    ctx.state.conn = new SmtpConnection(wire as unknown as net.Socket, ctx.transcript);
    // The replay never needs the secret: payloads are not compared, and this one never leaves memory.
    const replay = { ...ctx, options: { ...ctx.options, auth: { ...auth, secret: "x".repeat(auth.secret.length) } } };
    return this.#ok(this.#checked(await runAuth(replay, start)));
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

  // ——— plumbing ———

  #start(
    mode: "starttls" | "implicit" | "none",
    quitAfter: QuitAfter,
    auth?: { mechanism: string; user: string },
  ): SwaksRun {
    const { options } = this.#ctx;
    const { program, guardDir, caFile } = this.#setup;
    const name = options.servername ?? options.host;
    const args = swaksArgs({
      address: this.#address,
      port: options.port,
      mode,
      name,
      ...(caFile ? { caFile } : {}),
      ehloName: this.#ctx.state.ehloName ?? "[127.0.0.1]",
      timeoutMs: options.timeoutMs,
      quitAfter,
      ...(options.from !== undefined ? { from: options.from } : {}),
      to: options.to,
      ...(auth ? { auth } : {}),
      nativeHostCheck: program.hostCheck === "native",
    });
    const verify = mode !== "none" && program.hostCheck === "guard" ? name : undefined;
    const run = new SwaksRun({
      program: program.path,
      args,
      env: guardedEnv(process.env, guardDir, verify),
      ...(auth ? { secret: options.auth?.secret ?? "" } : {}),
    });
    const n = this.#runs.push(run);
    run.onEvent((e) => this.#tx.event(e, n));
    return run;
  }

  /** The connector of this session: the tcp layer's connection is swaks'; every other one is a real side connection. */
  #connect(address: string, port: number, signal?: AbortSignal): Promise<net.Socket> {
    const run = this.#pending;
    if (!run) return this.#req.io.connect(address, port, signal);
    this.#pending = undefined;
    return this.#wireOf(run, signal);
  }

  /** Waits until swaks connected (a wire on its session) or failed to (an errno-like error). */
  async #wireOf(run: SwaksRun, signal?: AbortSignal): Promise<net.Socket> {
    const wait = this.#ctx.options.timeoutMs + 3000;
    const aborted = new Promise<"aborted">((resolve) => signal?.addEventListener("abort", () => resolve("aborted")));
    const e = await Promise.race([
      run.waitFor((x) => x.kind === "connected" || x.kind === "connect-error", wait),
      aborted,
    ]);
    if (e === "aborted") {
      await run.stop();
      throw Object.assign(new Error("Connecting was abandoned"), { code: "EABORTED" });
    }
    if (e?.kind === "connected") {
      const wire = new SwaksWire(run, run.events.indexOf(e) + 1);
      this.#wire = wire;
      return wire as unknown as net.Socket;
    }
    if (e?.kind === "connect-error") {
      throw Object.assign(new Error(e.reason), { code: connectErrorCode(e.reason) ?? "ESWAKS", swaks: e.reason });
    }
    const exit = await within(run.exited, 1000);
    const error = run.events.filter((x) => x.kind === "error").map((x) => (x.kind === "error" ? x.text : "")).pop();
    if (exit !== TIMED_OUT && (exit.code === 1 || exit.code === 10) && !run.events.some((x) => x.kind === "trying")) {
      throw new EnvironmentError(
        `swaks refused the options smtpilot gave it: ${error ?? `exit ${exit.code}`}`,
        "E_SWAKS_OPTIONS",
      );
    }
    throw Object.assign(new Error(error ?? "swaks ended before connecting"), { code: "ESWAKS", swaks: error ?? "" });
  }

  /** A tcp failure whose reason swaks worded in a way smtpilot does not know is unknown, not guessed. */
  #tcpChecked(tcp: LayerResult): LayerResult {
    const attempts = (tcp.facts.attempts ?? []) as { error?: string }[];
    if (tcp.status !== "fail" || !attempts.some((a) => a.error === "ESWAKS")) return tcp;
    const why = this.#runs[0]?.events.find((e) => e.kind === "connect-error");
    return unknownLayer(
      "tcp",
      tcp.ms,
      `swaks could not connect (${why?.kind === "connect-error" ? why.reason : "no reason given"})`,
      tcp.facts,
    );
  }

  /**
   * A layer that ran on swaks' session: a divergence (smtpilot's code wanted
   * to send what swaks did not) or a "connection ended" that was swaks
   * ending, not the server, makes it unknown.
   */
  #checked(result: LayerResult): LayerResult {
    const wire = this.#wire;
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

  /** swaks' own words for a line without end (recv_line's loop counter). */
  #sawEndlessLine(): boolean {
    return this.#runs.some((run) => run.events.some((e) => e.kind === "error" && /hit loop counter/.test(e.text)));
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
    return ((this.#setup.program.ipv6 ? all[0] : v4 ?? all[0])?.address) ?? this.#req.options.host;
  }

  #now(): number {
    return this.#ctx.io.clock.now();
  }

  async #stopAll(): Promise<void> {
    await Promise.all(this.#runs.map((r) => r.stop()));
  }
}

/** The address this machine would use to reach `address` (a UDP "connect" sends nothing). */
function _localAddressFor(address: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIP(address) === 6 ? "udp6" : "udp4");
    const done = (value: string | undefined) => {
      socket.close();
      resolve(value);
    };
    socket.once("error", () => done(undefined));
    try {
      socket.connect(port, address, () => {
        try {
          done(socket.address().address);
        } catch {
          done(undefined);
        }
      });
    } catch {
      done(undefined);
    }
  });
}

function _x509(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function _why(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}
