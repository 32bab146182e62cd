/**
 * A private, throw-away Exim 4 on loopback, beside the Postfix peer: smtpilot's
 * verdicts must hold for Exim's genuine wording too (ratelimit deferrals,
 * "relay not permitted", "Unrouteable address") and its genuine habits (a
 * greeting pause that logs, and drops, clients talking before the banner).
 *
 * Debian's exim4-daemon-light conflicts with the postfix package, so it is
 * not installed: `fetch.sh` extracts it into a private folder (see there).
 * Everything else lives in one temp dir: configuration, spool, logs,
 * certificates, the user list. Listeners: STARTTLS (587 style), implicit TLS
 * (465 style), STARTTLS behind a greeting pause, and, when 127.0.0.25:25 is
 * free, a port 25 with a longer pause. Nothing is ever delivered (every
 * router ends in :blackhole:) and no DNS is needed.
 *
 * Needs root (the daemon binds as root and runs deliveries as Debian-exim).
 * As a script it starts the peer, prints its ports and credentials as JSON
 * and runs until Ctrl-C:
 *
 *   npx tsx scripts/peers/exim/peer.ts
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFixtureCa, issueCert } from "../../../fixtures/index.ts";
import { freePort, renderTemplate } from "../postfix/peer.ts";
import { runPeerFromCommandLine, sleep, stopChild, waitForPort } from "../_daemon.ts";

const _HERE = path.dirname(fileURLToPath(import.meta.url));
const _HOST = "127.0.0.1";
/** A second loopback address, so port 25 can be used without colliding with a local MTA on 127.0.0.1. */
const _HOST25 = "127.0.0.25";
const _DOMAIN = "ex.smtpilot.test";
const _HOSTNAME = `mx.${_DOMAIN}`;
const _DAY_MS = 24 * 60 * 60 * 1000;

/** Greeting pause on the `paused` port: shorter than smtpilot's probe patience on such a port (3 s). */
export const PAUSE_MS = 2000;
/** Greeting pause on port 25: longer than that patience, as postscreen and greet_pause often are. */
export const PORT25_PAUSE_MS = 5000;

/** Where fetch.sh puts Exim unless told otherwise. */
export function eximRoot(): string {
  return process.env.SMTPILOT_EXIM_ROOT ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "smtpilot", "exim4");
}

/** The exim4 binary the peer runs. */
export function eximBinary(): string {
  return path.join(eximRoot(), "usr", "sbin", "exim4");
}

/** Why the peer cannot run on this machine, or undefined when it can. */
export function eximPeerMissing(): string | undefined {
  const bin = eximBinary();
  if (!existsSync(bin)) return `no Exim at ${bin}: run scripts/peers/exim/fetch.sh (as root)`;
  if (process.getuid?.() !== 0) return "needs root: the Exim daemon binds as root and delivers as Debian-exim";
  if (spawnSync("id", ["-u", "Debian-exim"], { stdio: "ignore" }).status !== 0) {
    return "needs the system user Debian-exim: run scripts/peers/exim/fetch.sh as root";
  }
  const check = spawnSync(bin, ["-C", "/dev/null", "-bV"], { encoding: "utf8", timeout: 10_000 });
  if (check.status !== 0) return `${bin} does not run: ${(check.stderr || check.stdout || "").trim().slice(0, 300)}`;
  return undefined;
}

/** Addresses with a known fate at the peer. */
export interface EximAddresses {
  /** The demo user's own address (also its login). */
  own: string;
  /** Another existing mailbox. */
  localKnown: string;
  /** A local-domain address with no mailbox: "550 Unrouteable address". */
  localUnknown: string;
  /** An existing mailbox whose local part is not ASCII (needs SMTPUTF8). */
  utf8: string;
  /** Deferred by the ratelimit ACL: "451 Sender rate … exceeded, try later". */
  rateLimited: string;
  /** Deferred by the specification's system-wide limit: "451 Sorry, too busy. Try again later." */
  busy: string;
  /** Outside the peer's domain: "550 relay not permitted" unless authenticated. */
  outside: string;
}

/** A running Exim peer. */
export interface EximPeer {
  /** 127.0.0.1 for every port but port25. */
  host: string;
  ports: { starttls: number; implicit: number; paused: number };
  /** Port 25 on 127.0.0.25 with a greeting pause of PORT25_PAUSE_MS, when that address and port were free. */
  port25?: { host: string; port: 25 };
  caPem: string;
  hostname: string;
  domain: string;
  user: string;
  password: string;
  addresses: EximAddresses;
  dir: string;
  /** Exim's main log so far. */
  mainLog(): string;
  /** Exim's reject log so far. */
  rejectLog(): string;
  /**
   * Waits until every SMTP connection logged so far has logged its end (the log is written by
   * each process, late on a busy machine), and at least `sessions` connections were logged since
   * the start; gives up after `timeoutMs`, a bound only for a log that never comes.
   */
  settleLog(sessions?: number, timeoutMs?: number): Promise<void>;
  /** Stops the daemon and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

function _readOr(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** True when `host:port` can be listened on right now. */
function _canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Starts a private Exim on free loopback ports. On any failure it stops
 * whatever it had started, removes the temp dir and throws with the logs.
 */
export async function startEximPeer(options: { tmpRoot?: string; startTimeoutMs?: number } = {}): Promise<EximPeer> {
  const missing = eximPeerMissing();
  if (missing) throw new Error(`cannot start the Exim peer: ${missing}`);
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const dir = await mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), "smtpilot-exim-"));
  const files = {
    conf: path.join(dir, "exim.conf"),
    spool: path.join(dir, "spool"),
    log: path.join(dir, "log"),
    users: path.join(dir, "users"),
    cert: path.join(dir, "server.pem"),
    key: path.join(dir, "server.key"),
    ca: path.join(dir, "ca.pem"),
  };
  let child: ChildProcess | undefined;
  let output = "";
  let stopping: Promise<void> | undefined;
  const mainLog = () => _readOr(path.join(files.log, "mainlog"));
  const rejectLog = () => _readOr(path.join(files.log, "rejectlog"));
  const exited = () =>
    child && (child.exitCode !== null || child.signalCode !== null)
      ? `exim exited (${child.exitCode ?? child.signalCode}): ${output.trim()}\n${mainLog()}`
      : undefined;
  // A synchronous last resort if the process exits without stop() (a crashed test run).
  const onExit = () => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  const stopNow = async () => {
    process.removeListener("exit", onExit);
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  const stop = () => (stopping ??= stopNow());
  const settleLog = async (sessions = 0, timeoutMs = 60_000) => {
    const count = (re: RegExp) => mainLog().match(re)?.length ?? 0;
    const deadline = Date.now() + timeoutMs;
    // +smtp_connection logs "(TCP/IP connection count = N)" as a session starts, and one of these
    // lines as it ends.
    const ends =
      /closed by (?:QUIT|DROP)|SMTP connection from [^\n]* lost|dropped: too many|unexpected disconnection|synchronization error|\(gnutls_handshake\)/g;
    for (;;) {
      const started = count(/\(TCP\/IP connection count = \d+\)/g);
      if (started >= sessions && started <= count(ends)) return;
      if (Date.now() > deadline) return;
      await sleep(25);
    }
  };

  try {
    await chmod(dir, 0o755); // Debian-exim must traverse it
    const uid = Number(execFileSync("id", ["-u", "Debian-exim"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "Debian-exim"], { encoding: "utf8" }).trim());
    for (const d of [files.spool, files.log]) {
      await mkdir(d, { mode: 0o750 });
      await chown(d, uid, gid);
    }
    const ca = createFixtureCa("smtpilot exim peer CA");
    const leaf = issueCert(ca, {
      commonName: _HOSTNAME,
      sans: { dns: [_HOSTNAME, "localhost"], ip: [_HOST, _HOST25] },
      notBefore: new Date(Date.now() - _DAY_MS),
      notAfter: new Date(Date.now() + 90 * _DAY_MS),
    });
    for (const [file, pem] of [[files.cert, leaf.certPem], [files.key, leaf.keyPem]] as const) {
      await writeFile(file, pem, { mode: 0o600 });
      await chown(file, uid, gid);
    }
    await writeFile(files.ca, ca.certPem, { mode: 0o644 });
    // Letters and digits only: the password sits inside an Exim string expansion.
    const password = randomBytes(24).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 24);
    const user = `pilot@${_DOMAIN}`;
    await writeFile(files.users, "pilot: :blackhole:\npostmaster: :blackhole:\njörg: :blackhole:\n", { mode: 0o644 });
    const [starttls, implicit, paused] = [await freePort(), await freePort(), await freePort()];
    const with25 = await _canListen(_HOST25, 25);
    const values: Record<string, string> = {
      HOSTNAME: _HOSTNAME,
      DOMAIN: _DOMAIN,
      SPOOL_DIR: files.spool,
      LOG_DIR: files.log,
      CERT_FILE: files.cert,
      KEY_FILE: files.key,
      USERS_FILE: files.users,
      IMPLICIT_PORT: String(implicit),
      PAUSED_PORT: String(paused),
      PAUSE: `${PAUSE_MS / 1000}s`,
      PORT25_PAUSE: `${PORT25_PAUSE_MS / 1000}s`,
      USER: user,
      PASSWORD: password,
    };
    const template = await readFile(path.join(_HERE, "exim.conf.tmpl"), "utf8");
    // Exim refuses a configuration that others can write; root-owned 0644 is what it wants.
    await writeFile(files.conf, renderTemplate(template, values), { mode: 0o644 });

    const interfaces = [`${_HOST}.${starttls}`, `${_HOST}.${implicit}`, `${_HOST}.${paused}`];
    if (with25) interfaces.push(`${_HOST25}.25`);
    child = spawn(eximBinary(), ["-C", files.conf, "-bdf", "-oX", `<; ${interfaces.join(" ; ")}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
    child.once("error", (err) => (output += `spawn failed: ${err.message}`));
    // Plaintext ports only: the daemon binds every port at once, and a bare TCP probe of the
    // implicit-TLS port would be logged later as a TLS error, in the middle of a test's log.
    for (const port of [starttls, paused]) await waitForPort(_HOST, port, startTimeoutMs, exited);
    if (with25) await waitForPort(_HOST25, 25, startTimeoutMs, exited);
    // The readiness checks above are sessions too (one per port): let Exim finish logging them
    // first, or their lines land in the middle of the first test's log.
    await settleLog(with25 ? 3 : 2);

    return {
      host: _HOST,
      ports: { starttls, implicit, paused },
      ...(with25 ? { port25: { host: _HOST25, port: 25 as const } } : {}),
      caPem: ca.certPem,
      hostname: _HOSTNAME,
      domain: _DOMAIN,
      user,
      password,
      addresses: {
        own: user,
        localKnown: `postmaster@${_DOMAIN}`,
        localUnknown: `no-such-user@${_DOMAIN}`,
        utf8: `jörg@${_DOMAIN}`,
        rateLimited: `ratelimited@${_DOMAIN}`,
        busy: `busy@${_DOMAIN}`,
        outside: "rcpt@example.net",
      },
      dir,
      mainLog,
      rejectLog,
      settleLog,
      stop,
    };
  } catch (err) {
    const logs = `${output}\n${mainLog()}`;
    await stop().catch(() => undefined);
    throw new Error(`the Exim peer did not start: ${(err as Error).message}\n${logs}`);
  }
}

runPeerFromCommandLine(import.meta.url, startEximPeer, (peer) => {
  const { host, ports, port25, hostname, user, password, addresses, dir } = peer;
  return { host, ports, port25, hostname, user, password, addresses, ca: path.join(dir, "ca.pem"), dir };
});
