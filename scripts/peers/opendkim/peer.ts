/**
 * A private, throw-away OpenDKIM (Debian's `opendkim`) signing as a milter
 * on a loopback port, for a Postfix peer's `smtpd_milters`: keys generated
 * at start (their DNS records returned for the test's zone), a signing
 * table by header From, and the header list it signs. Everything lives in
 * one temp folder removed on stop; opendkim runs as its own user.
 *
 * As a script it starts one signer for pf.smtpilot.test and prints its port
 * and the TXT record to publish:   npx tsx scripts/peers/opendkim/peer.ts
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runPeerFromCommandLine, stopChild, waitForPort } from "../_daemon.ts";
import { freePort } from "../dns-daemon.ts";

/** Where Debian installs the filter. */
export const OPENDKIM = "/usr/sbin/opendkim";

/** One signing key: messages whose header From matches `from` are signed as d=`domain` s=`selector`. */
export interface SignerKey {
  /** A SigningTable pattern on the header From address (`*@example.test`). */
  from: string;
  domain: string;
  selector: string;
  /** RSA modulus size. */
  bits: number;
}

/** Options of startOpenDkim. */
export interface OpenDkimOptions {
  keys: readonly SignerKey[];
  /** Header fields to sign (OpenDKIM's SignHeaders); default its own list. */
  signHeaders?: readonly string[];
}

/** A running signer. */
export interface OpenDkimPeer {
  /** The milter address for Postfix (`inet:127.0.0.1:PORT`). */
  milter: string;
  /** Each key's DNS name (`selector._domainkey.domain`) and TXT value. */
  records: { name: string; txt: string }[];
  log(): string;
  stop(): Promise<void>;
}

/** Why OpenDKIM cannot run here, or undefined when it can. */
export function openDkimMissing(): string | undefined {
  if (!existsSync(OPENDKIM)) return `${OPENDKIM} not found (apt-get install opendkim)`;
  if (spawnSync("id", ["-u", "opendkim"], { stdio: "ignore" }).status !== 0) return "needs the system user opendkim";
  if (process.getuid?.() !== 0) return "needs root: opendkim starts as root and drops to its user";
  return undefined;
}

/** Starts opendkim in the foreground on a free loopback port. */
export async function startOpenDkim(options: OpenDkimOptions): Promise<OpenDkimPeer> {
  const missing = openDkimMissing();
  if (missing) throw new Error(`cannot start opendkim: ${missing}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "smtpilot-opendkim-"));
  await chmod(dir, 0o755);
  const uid = Number(spawnSync("id", ["-u", "opendkim"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "opendkim"], { encoding: "utf8" }).stdout.trim());
  const port = await freePort();
  const records: { name: string; txt: string }[] = [];
  const keyTable: string[] = [];
  const signingTable: string[] = [];
  for (const [i, key] of options.keys.entries()) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: key.bits });
    const file = path.join(dir, `key${i}.pem`);
    await writeFile(file, privateKey.export({ type: "pkcs1", format: "pem" }).toString(), { mode: 0o600 });
    await chown(file, uid, gid); // RequireSafeKeys: only opendkim may read it
    keyTable.push(`key${i} ${key.domain}:${key.selector}:${file}`);
    signingTable.push(`${key.from} key${i}`);
    const spki = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    records.push({ name: `${key.selector}._domainkey.${key.domain}`, txt: `v=DKIM1; k=rsa; p=${spki}` });
  }
  await writeFile(path.join(dir, "keytable"), `${keyTable.join("\n")}\n`);
  await writeFile(path.join(dir, "signingtable"), `${signingTable.join("\n")}\n`);
  const conf = [
    "Syslog no",
    "Background no",
    "LogWhy yes",
    "Mode s",
    `Socket inet:${port}@127.0.0.1`,
    "UserID opendkim:opendkim",
    `KeyTable file:${path.join(dir, "keytable")}`,
    `SigningTable refile:${path.join(dir, "signingtable")}`,
    "InternalHosts 127.0.0.1",
    "Canonicalization relaxed/relaxed",
    // The key sits under the world-writable /tmp, which OpenDKIM's safe-key walk refuses; it is opendkim's own, 0600.
    "RequireSafeKeys false",
    ...(options.signHeaders ? [`SignHeaders ${options.signHeaders.join(",")}`] : []),
  ].join("\n");
  await writeFile(path.join(dir, "opendkim.conf"), `${conf}\n`);
  let output = "";
  const child: ChildProcess = spawn(OPENDKIM, ["-f", "-x", path.join(dir, "opendkim.conf")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const dead = () =>
    child.exitCode !== null || child.signalCode !== null
      ? `opendkim exited (${child.exitCode ?? child.signalCode}): ${output.trim()}`
      : undefined;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort("127.0.0.1", port, 15_000, dead);
  } catch (err) {
    await stop();
    throw err;
  }
  return { milter: `inet:127.0.0.1:${port}`, records, log: () => output, stop };
}

runPeerFromCommandLine(
  import.meta.url,
  () =>
    startOpenDkim({ keys: [{ from: "*@pf.smtpilot.test", domain: "pf.smtpilot.test", selector: "s1", bits: 2048 }] }),
  (p) => ({ milter: p.milter, records: p.records }),
);
