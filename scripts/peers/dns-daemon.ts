/**
 * What the DNS peers (Knot, unbound) share: a loopback port free for UDP and
 * TCP, the SOA question that tells a server is serving, and running the
 * daemon from its private temp folder — started, waited for until it answers
 * (or its last words when it dies), stopped and its folder removed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { rm } from "node:fs/promises";
import net from "node:net";
import dnsPacket from "dns-packet";
import { stopChild } from "./_daemon.ts";

/** A loopback port free for both UDP and TCP. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    s.once("error", reject);
    s.bind(0, "127.0.0.1", () => {
      const port = s.address().port;
      const t = net.createServer();
      t.once("error", () => s.close(() => resolve(freePort())));
      t.listen(port, "127.0.0.1", () => t.close(() => s.close(() => resolve(port))));
    });
  });
}

/** True when the server on `port` answers the SOA of `zone`; `recursive` asks a resolver (RD set). */
export function soaAnswered(port: number, zone: string, recursive = false): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      s.close();
      resolve(false);
    }, 300);
    s.on("message", (msg) => {
      clearTimeout(timer);
      s.close();
      try {
        const answer = dnsPacket.decode(msg);
        resolve((answer.answers ?? []).some((a) => a.type === "SOA"));
      } catch {
        resolve(false);
      }
    });
    s.on("error", () => resolve(false));
    const flags = recursive ? dnsPacket.RECURSION_DESIRED : 0;
    s.send(
      dnsPacket.encode({ type: "query", id: 1, flags, questions: [{ type: "SOA", name: zone }] }),
      port,
      "127.0.0.1",
    );
  });
}

/**
 * Starts `command args` (its config in `dir`), waits until `ready()` is
 * true for every check, and returns the stop function that also removes `dir`.
 */
export async function runDnsDaemon(
  command: string,
  args: string[],
  dir: string,
  ready: readonly (() => Promise<boolean>)[],
): Promise<() => Promise<void>> {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  await _waitReady(child, command, ready, () => stderr);
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await stopChild(child, 3000);
    await rm(dir, { recursive: true, force: true });
  };
}

async function _waitReady(
  child: ChildProcess,
  command: string,
  ready: readonly (() => Promise<boolean>)[],
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  let exited = false;
  child.once("exit", () => (exited = true));
  for (const check of ready) {
    for (;;) {
      if (exited) throw new Error(`${command} exited: ${stderr()}`);
      if (Date.now() > deadline) {
        await stopChild(child, 3000);
        throw new Error(`${command} did not answer within 15 s: ${stderr()}`);
      }
      if (await check()) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
