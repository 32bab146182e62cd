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
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort, runDnsDaemon, soaAnswered } from "../dns-daemon.ts";

export { freePort, soaAnswered };

/** Where Debian installs Knot's server and key manager. */
export const KNOTD = "/usr/sbin/knotd";
export const KEYMGR = "/usr/sbin/keymgr";

/** One zone to serve. */
export interface KnotZone {
  /** The apex, without the trailing dot ("." for the root zone). */
  name: string;
  /**
   * The zone file's text; `{{DS:child}}` is replaced by the child zone's DS
   * records (signed children only), `{{BADDS:child}}` by DS records that match
   * none of its keys (a bogus child).
   */
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
      const text = z.broken ? `${z.text}\n@ IN BROKEN zone\n` : z.text
        .replace(/\{\{DS:([^}]+)\}\}/g, (_m, child: string) => (ds.get(child) ?? []).join("\n"))
        // A DS that matches no key of the child: the child's signatures then fail validation (bogus).
        .replace(
          /\{\{BADDS:([^}]+)\}\}/g,
          (_m, child: string) =>
            (ds.get(child) ?? []).map((r) => r.replace(/([0-9A-Fa-f])$/, (d) => (d === "0" ? "1" : "0"))).join("\n"),
        );
      await writeFile(path.join(dir, "zones", _file(z.name)), text);
    }
    const stop = await runDnsDaemon(
      KNOTD,
      ["-c", conf],
      dir,
      zones.filter((z) => !z.broken).map((z) => () => soaAnswered(port, z.name)),
    );
    return {
      host: "127.0.0.1",
      port,
      resolver: `127.0.0.1:${port}`,
      zones: zones.map((z) => z.name),
      ds,
      dnskeys,
      stop,
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
