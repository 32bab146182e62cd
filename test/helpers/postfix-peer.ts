/**
 * Starts the private Postfix + Dovecot peer (scripts/peers/postfix) once per
 * test file and runs diagnoses against it in-process, the way
 * fixture-run.ts does for the built-in fixture.
 */
import { after, before } from "node:test";
import { diagnose } from "../../core/diagnose.ts";
import type { AuthOptions, DiagnoseOptions } from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { type PostfixPeer, postfixPeerMissing, startPostfixPeer } from "../../scripts/peers/postfix/peer.ts";

export { postfixPeerMissing };

/** The peer shared by a test file; valid inside tests. */
export const peerState: { peer?: PostfixPeer } = {};

/** The running peer, or an error when usePostfixPeer() did not start one. */
export function peer(): PostfixPeer {
  if (!peerState.peer) throw new Error("usePostfixPeer() was not called or the peer did not start");
  return peerState.peer;
}

/**
 * Registers before/after hooks that start and stop the peer. `after` always
 * runs its stop (Postfix, Dovecot, temp dir); a start that fails half-way
 * cleans up after itself before `before` rethrows with the logs.
 */
export function usePostfixPeer(): void {
  before(async () => {
    peerState.peer = await startPostfixPeer();
  });
  after(async () => {
    const running = peerState.peer;
    peerState.peer = undefined;
    await running?.stop();
  });
}

/** The demo user's credentials as an auth probe carries them. */
export function peerAuth(over: Partial<AuthOptions> = {}): AuthOptions {
  const p = peer();
  return { user: p.user, secret: p.password, secretRef: "env:SMTPILOT_PEER_SECRET", ...over };
}

/** Diagnoses one of the peer's ports (`starttls` or `implicit`) with extra options. */
export async function diagnosePeer(
  port: keyof PostfixPeer["ports"],
  over: Partial<DiagnoseOptions> = {},
): Promise<DiagnoseReport> {
  const p = peer();
  return await diagnose(
    {
      host: p.host,
      port: p.ports[port],
      tls: "auto",
      ca: p.caPem,
      to: [],
      timeoutMs: 5000,
      declaredSize: 10240,
      ...over,
    },
    systemIo(),
  );
}

/** A failure message: the failing layer, the server's side of the transcript and the peer's log tail. */
export function explain(report: DiagnoseReport): string {
  const failing = report.layers.filter((l) => l.status === "fail" || l.status === "warn");
  const transcript = report.transcript.map((t) => `${t.dir} ${t.text}`).join("\n");
  return `verdict ${JSON.stringify(report.verdict)}\n${JSON.stringify(failing, null, 1)}\n` +
    `--- transcript ---\n${transcript}\n${peerState.peer?.logTail(25) ?? ""}`;
}
