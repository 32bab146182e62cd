/**
 * Runs a private, throw-away Knot DNS (Debian's `knot`) on a loopback port
 * for any set of zones given as text: the project's own test zones
 * (peer.ts), the RFC 7208 suite's zones (suite-zones.ts), DNSSEC-signed
 * zones for DANE (signed-zones.ts). Everything lives in one temp folder
 * (config, zone files, key database, control socket), removed on stop.
 *
 * A zone may be `broken`: it is configured but its file does not parse, so
 * Knot answers SERVFAIL for every name in it — what a resolver reports when
 * a zone's servers fail, the "DNS error" RFC 7208 maps to temperror. A zone
 * may be `signed`: Knot signs it itself (ECDSA P-256, NSEC) with a key made
 * before the server starts, so its DS can be published in the parent zone.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import dgram from "node:dgram";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import dnsPacket from "dns-packet";
import { stopChild } from "../_daemon.ts";

/** Where Debian installs Knot's server and key manager. */
export const KNOTD = "/usr/sbin/knotd";
export const KEYMGR = "/usr/sbin/keymgr";

/** One zone to serve. */
export interface KnotZone {
  /** The apex, without the trailing dot ("." for the root zone). */
  name: string;
  /** The zone file's text; `{{DS:child}}` is replaced by the child zone's DS records (signed children only). */
  text: string;
  /** Knot signs the zone (its DS is then available to the parent). */
  signed?: boolean;
  /** The zone fails to load: every query in it is answered SERVFAIL. */
  broken?: boolean;
}

/** A running server. */
export interface KnotServer {
  host: string;
  port: number;
  /** `--resolver` value. */
  resolver: string;
  zones: string[];
  /** The DS records of each signed zone, in zone-file form (`name. IN DS …`). */
  ds: Map<string, string[]>;
  /** The DNSKEY records of each signed zone, in zone-file form (a validator's trust anchor). */
  dnskeys: Map<string, string[]>;
  stop(): Promise<void>;
}

/** Why Knot cannot run here, or undefined when it can. */
export function knotMissing(): string | undefined {
  if (!existsSync(KNOTD)) return `${KNOTD} not found (apt-get install knot)`;
  return undefined;
}

const _CONF = (dir: string, port: number) =>
  `server:
    rundir: "${dir}"
    listen: 127.0.0.1@${port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "${dir}/knot.sock"
database:
    storage: "${dir}/db"
    kasp-db: "${dir}/keys"
log:
  - target: stderr
    any: error
policy:
  - id: test
    manual: on
    algorithm: ecdsap256sha256
    single-type-signing: on
    rrsig-lifetime: 30d
    rrsig-refresh: 7d
template:
  - id: default
    storage: "${dir}/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
`;

/** Starts knotd on a free loopback port serving `zones`. */
export async function startKnot(zones: readonly KnotZone[]): Promise<KnotServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smtpilot-knot-"));
  try {
    await mkdir(path.join(dir, "zones"));
    await mkdir(path.join(dir, "db"));
    const port = await freePort();
    const conf = path.join(dir, "knot.conf");
    await writeFile(
      conf,
      _CONF(dir, port) + zones.map((z) =>
        `  - domain: ${z.name}\n    file: ${_file(z.name)}\n` +
        (z.signed ? "    dnssec-signing: on\n    dnssec-policy: test\n" : "")
      ).join(""),
    );
    const ds = new Map<string, string[]>();
    const dnskeys = new Map<string, string[]>();
    for (const z of zones.filter((z) => z.signed)) {
      await _keymgr(conf, z.name, ["generate", "algorithm=ecdsap256sha256", "ksk=yes", "zsk=yes"]);
      ds.set(z.name, _records(await _keymgr(conf, z.name, ["ds"]), "DS"));
      dnskeys.set(z.name, _records(await _keymgr(conf, z.name, ["dnskey"]), "DNSKEY"));
    }
    for (const z of zones) {
      const text = z.broken ? `${z.text}\n@ IN BROKEN zone\n` : z.text.replace(
        /\{\{DS:([^}]+)\}\}/g,
        (_m, child: string) => (ds.get(child) ?? []).join("\n"),
      );
      await writeFile(path.join(dir, "zones", _file(z.name)), text);
    }
    const child = spawn(KNOTD, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await _waitReady(child, port, zones.filter((z) => !z.broken).map((z) => z.name), () => stderr);
    let stopped = false;
    return {
      host: "127.0.0.1",
      port,
      resolver: `127.0.0.1:${port}`,
      zones: zones.map((z) => z.name),
      ds,
      dnskeys,
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

/** A zone's file name: the root zone "." is root.zone. */
function _file(zone: string): string {
  return zone === "." ? "root.zone" : `${zone}.zone`;
}

function _keymgr(conf: string, zone: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(KEYMGR, ["-c", conf, zone, ...args], (err, stdout, stderr) => {
      if (err) reject(new Error(`keymgr ${zone} ${args[0]} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** The lines of keymgr's output that are records of `type`. */
function _records(output: string, type: string): string[] {
  return output.split("\n").filter((l) => new RegExp(`\\s${type}\\s`).test(l)).map((l) => l.trim());
}

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
      if (await soaAnswered(port, zone)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** True when the server on `port` answers the SOA of `zone` (with signatures, when it signs the zone). */
export function soaAnswered(port: number, zone: string): Promise<boolean> {
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
