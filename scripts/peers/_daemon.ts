/**
 * What every real peer (Postfix, Exim, Dovecot IMAP, Knot) needs to run a
 * daemon privately for the tests: wait until it listens (or say why it
 * never will), stop it (TERM, then KILL after a grace period), and run the
 * peer's script from the command line until Ctrl-C.
 */
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once `host:port` accepts a TCP connection; rejects with what
 * `dead()` says when the daemon is gone (its log's last lines, say), or on timeout.
 */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  dead: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    const why = dead();
    if (why) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`nothing accepted connections on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Stops a daemon: SIGTERM, then SIGKILL after `graceMs`; resolves once it exited (at once when it already had). */
export async function stopChild(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await gone;
  clearTimeout(timer);
}

/**
 * Runs a peer from the command line (`tsx scripts/peers/NAME/peer.ts`): when
 * `moduleUrl` is the script node was started with, starts the peer, prints
 * `describe(peer)` as JSON and "Running until Ctrl-C.", and stops it on
 * SIGINT/SIGTERM. A failure to start is one line and exit 1.
 */
export function runPeerFromCommandLine<P extends { stop(): Promise<void> }>(
  moduleUrl: string,
  start: () => Promise<P>,
  describe: (peer: P) => unknown,
): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  start().then((peer) => {
    process.stdout.write(`${JSON.stringify(describe(peer), null, 2)}\nRunning until Ctrl-C.\n`);
    const shutdown = () => void peer.stop().finally(() => process.exit(0));
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  }, (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
