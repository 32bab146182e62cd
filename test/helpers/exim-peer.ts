/**
 * Starts the private Exim peer (scripts/peers/exim) once per test file and
 * runs diagnoses against it in-process, as postfix-peer.ts does for Postfix.
 */
import { after, before } from "node:test";
import { diagnose } from "../../core/diagnose.ts";
import type { AuthOptions, DiagnoseOptions } from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { type EximPeer, eximPeerMissing, startEximPeer } from "../../scripts/peers/exim/peer.ts";

export { eximPeerMissing };

const _state: { peer?: EximPeer } = {};

/** The running peer; valid inside tests of a file that called useEximPeer(). */
export function exim(): EximPeer {
  if (!_state.peer) throw new Error("useEximPeer() was not called or the peer did not start");
  return _state.peer;
}

/** Registers before/after hooks that start and stop the peer (the temp dir goes with it). */
export function useEximPeer(): void {
  before(async () => {
    _state.peer = await startEximPeer();
  });
  after(async () => {
    const running = _state.peer;
    _state.peer = undefined;
    await running?.stop();
  });
}

/** The demo user's credentials as an auth probe carries them. */
export function eximAuth(over: Partial<AuthOptions> = {}): AuthOptions {
  const p = exim();
  return { user: p.user, secret: p.password, secretRef: "env:SMTPILOT_EXIM_SECRET", ...over };
}

/** Diagnoses one of the peer's ports, or its port 25 listener, with extra options. */
export async function diagnoseExim(
  port: keyof EximPeer["ports"] | "port25",
  over: Partial<DiagnoseOptions> = {},
): Promise<DiagnoseReport> {
  const p = exim();
  const target = port === "port25" ? p.port25 ?? { host: p.host, port: 25 } : { host: p.host, port: p.ports[port] };
  return await diagnose(
    {
      ...target,
      tls: "auto",
      servername: p.hostname,
      ca: p.caPem,
      to: [],
      timeoutMs: 10_000,
      declaredSize: 10240,
      ...over,
    },
    systemIo(),
  );
}

/** A failure message: the verdict, the transcript and the tail of Exim's main log. */
export function explainExim(report: DiagnoseReport): string {
  const transcript = report.transcript.map((t) => `${t.t} ${t.dir} ${t.text}`).join("\n");
  const log = _state.peer?.mainLog().trimEnd().split("\n").slice(-25).join("\n") ?? "";
  return `verdict ${JSON.stringify(report.verdict)}\n--- transcript ---\n${transcript}\n--- exim mainlog ---\n${log}`;
}
