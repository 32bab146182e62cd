/**
 * A private, throw-away validating resolver: Debian's `unbound` on a
 * loopback port, forwarding nothing to the Internet — every zone it knows is
 * a stub pointing at the test's Knot, and every other name is refused. It
 * validates with the trust anchors the test gives (the DS of the signed
 * parent zone Knot made), so answers from signed zones carry the AD bit,
 * answers that fail validation are SERVFAIL (and data again with CD), and
 * unsigned zones are insecure: what a DANE MTA's local resolver does.
 * Everything lives in one temp folder, removed on stop.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort, runDnsDaemon, soaAnswered } from "../dns-daemon.ts";

/** Where Debian installs unbound. */
export const UNBOUND = "/usr/sbin/unbound";

/** What the resolver serves: stubs to one authoritative server, trust anchors, unsigned zones. */
export interface UnboundOptions {
  /** The authoritative server's loopback port (Knot). */
  upstreamPort: number;
  /** Zones asked of that server (each a stub zone). */
  zones: string[];
  /** Trust anchors in zone-file form (`dane.test. IN DS …`). */
  trustAnchors: string[];
  /** Zones that are unsigned on purpose: validation does not expect signatures there. */
  insecure?: string[];
}

/** A running resolver. */
export interface UnboundPeer {
  port: number;
  /** `--resolver` value. */
  resolver: string;
  stop(): Promise<void>;
}

/** Why unbound cannot run here, or undefined when it can. */
export function unboundMissing(): string | undefined {
  return existsSync(UNBOUND) ? undefined : `${UNBOUND} not found (apt-get install unbound)`;
}

/** Starts unbound on a free loopback port. */
export async function startUnbound(options: UnboundOptions): Promise<UnboundPeer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smtpilot-unbound-"));
  try {
    const port = await freePort();
    const conf = path.join(dir, "unbound.conf");
    await writeFile(conf, _config(dir, port, options));
    const zone = options.zones[0] ?? ".";
    const stop = await runDnsDaemon(UNBOUND, ["-d", "-c", conf], dir, [() => soaAnswered(port, zone, true)]);
    return { port, resolver: `127.0.0.1:${port}`, stop };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function _config(dir: string, port: number, o: UnboundOptions): string {
  const lines = [
    "server:",
    `  directory: "${dir}"`,
    '  chroot: ""',
    '  username: ""',
    '  pidfile: ""',
    "  use-syslog: no",
    '  logfile: ""',
    "  verbosity: 0",
    `  interface: 127.0.0.1@${port}`,
    "  port: " + port,
    "  do-ip6: no",
    "  access-control: 127.0.0.0/8 allow",
    "  do-not-query-localhost: no",
    "  num-threads: 1",
    '  module-config: "validator iterator"',
    "  harden-dnssec-stripped: yes",
    "  val-log-level: 2",
    "  ede: yes",
    // Nothing leaves the machine: every name outside the stub zones is refused.
    '  local-zone: "." refuse',
    ...o.zones.map((z) => `  local-zone: "${z}." transparent`),
    ...o.trustAnchors.map((ta) => `  trust-anchor: "${ta.replace(/\s+/g, " ")}"`),
    ...(o.insecure ?? []).map((z) => `  domain-insecure: "${z}"`),
    ...o.zones.flatMap((z) => ["stub-zone:", `  name: "${z}"`, `  stub-addr: 127.0.0.1@${o.upstreamPort}`]),
  ];
  return `${lines.join("\n")}\n`;
}
