/**
 * A private, throw-away Knot DNS (Debian's `knot`) serving the zones in
 * `zones/` on a loopback port, so `smtpilot domain --resolver 127.0.0.1:PORT`
 * can be run end to end against a real authoritative server. Everything
 * lives in one temp folder (config, zone files, database, control socket),
 * removed on stop. DKIM keys are generated at start and written into the
 * zones, so tests can sign messages with the private halves.
 *
 * As a script it starts the peer, prints its port as JSON and runs until
 * Ctrl-C:   npx tsx scripts/peers/knot/peer.ts
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import dgram from "node:dgram";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import dnsPacket from "dns-packet";
import { runPeerFromCommandLine, stopChild } from "../_daemon.ts";

/** Where Debian installs Knot's server. */
export const KNOTD = "/usr/sbin/knotd";

const _HERE = path.dirname(fileURLToPath(import.meta.url));

/** The private keys whose public halves the zones publish. */
export interface PeerKeys {
  /** good.test and bench.test selector s1 (RSA 2048). */
  good: KeyObject;
  /** good.test selector ed (Ed25519). */
  ed25519: KeyObject;
}

/** A running peer. */
export interface KnotPeer {
  host: string;
  port: number;
  /** `--resolver` value. */
  resolver: string;
  keys: PeerKeys;
  zones: string[];
  stop(): Promise<void>;
}

/** Why the peer cannot run here, or undefined when it can. */
export function knotMissing(): string | undefined {
  if (!existsSync(KNOTD)) return `${KNOTD} not found (apt-get install knot)`;
  return undefined;
}

/** Starts knotd on a free loopback port with the zones of this folder. */
export async function startKnotPeer(): Promise<KnotPeer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smtpilot-knot-"));
  try {
    const keys = _keys();
    const vars: Record<string, string> = {
      DKIM_GOOD: _txt(`v=DKIM1; k=rsa; p=${_spki(createPublicKey(keys.good))}`),
      DKIM_ED25519: _txt(`v=DKIM1; k=ed25519; p=${_rawEd25519(createPublicKey(keys.ed25519))}`),
      DKIM_512: _txt(`v=DKIM1; k=rsa; p=${_spki(generateKeyPairSync("rsa", { modulusLength: 512 }).publicKey)}`),
      DKIM_1024: _txt(`v=DKIM1; k=rsa; p=${_spki(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey)}`),
      DKIM_TESTING: _txt(
        `v=DKIM1; k=rsa; t=y; p=${_spki(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey)}`,
      ),
    };
    await mkdir(path.join(dir, "zones"));
    await mkdir(path.join(dir, "db"));
    const files = (await readdir(path.join(_HERE, "zones"))).filter((f) => f.endsWith(".zone")).sort();
    const zones = files.map((f) => f.slice(0, -".zone".length));
    for (const f of files) {
      const text = (await readFile(path.join(_HERE, "zones", f), "utf8"))
        .replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? `{{${k}}}`);
      await writeFile(path.join(dir, "zones", f), text);
    }
    const port = await _freePort();
    const conf = (await readFile(path.join(_HERE, "knot.conf.tmpl"), "utf8"))
      .replaceAll("{{DIR}}", dir)
      .replaceAll("{{PORT}}", String(port)) +
      zones.map((z) => `  - domain: ${z}\n    file: ${z}.zone\n`).join("");
    await writeFile(path.join(dir, "knot.conf"), conf);
    const child = spawn(KNOTD, ["-c", path.join(dir, "knot.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await _waitReady(child, port, zones, () => stderr);
    let stopped = false;
    return {
      host: "127.0.0.1",
      port,
      resolver: `127.0.0.1:${port}`,
      keys,
      zones,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopChild(child, 3000);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function _keys(): PeerKeys {
  return {
    good: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
    ed25519: generateKeyPairSync("ed25519").privateKey,
  };
}

function _spki(key: KeyObject): string {
  return key.export({ format: "der", type: "spki" }).toString("base64");
}

function _rawEd25519(key: KeyObject): string {
  return key.export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
}

/** A TXT value in zone-file form: strings of at most 255 characters, in parentheses. */
function _txt(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 255) parts.push(`"${text.slice(i, i + 255)}"`);
  return `( ${parts.join(" ")} )`;
}

function _freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    s.once("error", reject);
    s.bind(0, "127.0.0.1", () => {
      const port = s.address().port;
      // Knot also listens on TCP on the same port: make sure that is free too.
      const t = net.createServer();
      t.once("error", () => s.close(() => resolve(_freePort())));
      t.listen(port, "127.0.0.1", () => t.close(() => s.close(() => resolve(port))));
    });
  });
}

/** Waits until every zone answers its SOA, or knotd exits. */
async function _waitReady(child: ChildProcess, port: number, zones: string[], stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let exited = false;
  child.once("exit", () => (exited = true));
  for (const zone of zones) {
    for (;;) {
      if (exited) throw new Error(`knotd exited: ${stderr()}`);
      if (Date.now() > deadline) {
        await stopChild(child, 3000);
        throw new Error(`knotd did not serve ${zone} within 15 s: ${stderr()}`);
      }
      if (await _soaAnswered(port, zone)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function _soaAnswered(port: number, zone: string): Promise<boolean> {
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
    s.send(dnsPacket.encode({ type: "query", id: 1, questions: [{ type: "SOA", name: zone }] }), port, "127.0.0.1");
  });
}

runPeerFromCommandLine(import.meta.url, startKnotPeer, (peer) => ({ resolver: peer.resolver, zones: peer.zones }));
