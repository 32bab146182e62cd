/**
 * A private, throw-away Postfix (with a private Dovecot for SASL) on loopback,
 * so smtpilot can be checked against the MTA its users actually meet.
 *
 * Everything lives in one temp dir: Postfix's config_directory,
 * queue_directory, data_directory and log, Dovecot's base_dir, state and
 * passwd-file, the certificates. The system instance (/etc/postfix,
 * /var/spool/postfix, /run/dovecot) is never read for configuration nor
 * touched, and the only listeners are submission ports on 127.0.0.1:
 * STARTTLS (587 style), implicit TLS (465 style), a restricted STARTTLS
 * port (client and HELO restrictions, as distributions ship submission), and
 * two STARTTLS ports with a small message_size_limit (one advertising SIZE,
 * one not, so the refusal comes at MAIL FROM or after the final dot). Mail
 * for the local domain is accepted and queued (a real queue id), then
 * discarded: nothing is ever delivered or relayed (every transport is
 * `discard`), and no DNS is needed. Passwords are stored as SCRAM keys, so Dovecot offers SCRAM-SHA-256
 * and SCRAM-SHA-1 besides PLAIN and LOGIN.
 *
 * Needs root (Postfix's master and Dovecot drop privileges themselves),
 * Postfix >= 3.4 and Dovecot 2.3 — `postfixPeerMissing()` says what is not
 * there. As a script it starts the peer, prints its ports and credentials as
 * JSON and runs until Ctrl-C:
 *
 *   npx tsx scripts/peers/postfix/peer.ts
 */
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { appendFile, chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFixtureCa, issueCert } from "../../../fixtures/index.ts";
import { runPeerFromCommandLine, sleep, stopChild, waitForPort } from "../_daemon.ts";

/** Where Debian (and most distributions) install the programs the peer runs. */
export const PEER_BINARIES = {
  postfix: "/usr/sbin/postfix",
  postconf: "/usr/sbin/postconf",
  postqueue: "/usr/sbin/postqueue",
  dovecot: "/usr/sbin/dovecot",
} as const;

const _TEMPLATES = path.dirname(fileURLToPath(import.meta.url));
const _HOST = "127.0.0.1";
const _DOMAIN = "pf.smtpilot.test";
const _HOSTNAME = `mx.${_DOMAIN}`;
const _SYSLOG_NAME = "smtpilot-postfix";
const _DAY_MS = 24 * 60 * 60 * 1000;
/** message_size_limit of the limited ports: a short text message fits, one with a few KB of body does not. */
const _SIZE_LIMIT = 4096;

/** Addresses with a known fate at the peer. */
export interface PeerAddresses {
  /** The demo user's own address (also its SASL login): may send as it once logged in. */
  own: string;
  /** Another existing local mailbox. */
  localKnown: string;
  /** A local-domain address with no mailbox: "User unknown in local recipient table". */
  localUnknown: string;
  /** A local-domain address the demo user does not own: "not owned by user". */
  notOwned: string;
  /** A recipient outside the peer's domain: relaying needs authentication. */
  outside: string;
  /** A sender outside the peer's domain, owned by nobody. */
  outsideSender: string;
}

/** A running peer. */
export interface PostfixPeer {
  host: string;
  /**
   * STARTTLS, implicit TLS, STARTTLS with client/HELO restrictions, and
   * STARTTLS with message_size_limit = `sizeLimit` (advertised as SIZE, or not).
   */
  ports: { starttls: number; implicit: number; restricted: number; limited: number; limitedNoSize: number };
  /** message_size_limit of the two limited ports, in bytes. */
  sizeLimit: number;
  /** The private CA that signed the server certificate (PEM), to pass as `ca`. */
  caPem: string;
  /** Postfix's myhostname, also in the certificate (with `localhost` and 127.0.0.1). */
  hostname: string;
  domain: string;
  /** SASL login of the demo user (its own address). */
  user: string;
  /** The demo user's password, generated for this run (stored as SCRAM-SHA-256 keys). */
  password: string;
  /** A second user whose password is stored as SCRAM-SHA-1 keys. */
  sha1User: { user: string; password: string };
  addresses: PeerAddresses;
  /** The temp dir holding everything (removed by `stop()`). */
  dir: string;
  /** Postfix's maillog_file so far ("" before anything was logged). */
  postfixLog(): string;
  /** Dovecot's log so far. */
  dovecotLog(): string;
  /** The last lines of both logs, for failure messages. */
  logTail(lines?: number): string;
  /** `postqueue -p` output for this instance ("Mail queue is empty" when nothing is queued). */
  queueListing(): Promise<string>;
  /**
   * Waits until every smtpd session logged its disconnect (the log is written asynchronously, late on
   * a busy machine); `timeoutMs` (default 60 s) only bounds a disconnect that is never logged.
   */
  settleLog(timeoutMs?: number): Promise<void>;
  /** Stops Postfix and Dovecot and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Why the peer cannot run on this machine, or undefined when it can. */
export function postfixPeerMissing(): string | undefined {
  const absent = Object.values(PEER_BINARIES).filter((p) => !existsSync(p));
  if (absent.length > 0) {
    return `needs Postfix >= 3.4 and Dovecot (missing ${absent.join(", ")}): ` +
      "apt-get install postfix dovecot-core";
  }
  if (process.getuid?.() !== 0) return "needs root: Postfix's master and Dovecot start as root and drop privileges";
  try {
    const version = execFileSync(PEER_BINARIES.postconf, ["-d", "-h", "mail_version"], { encoding: "utf8" }).trim();
    const [major = 0, minor = 0] = version.split(".").map(Number);
    if (major < 3 || (major === 3 && minor < 4)) return `needs Postfix >= 3.4 for maillog_file (found ${version})`;
  } catch (err) {
    return `postconf failed: ${(err as Error).message}`;
  }
  for (const user of ["postfix", "dovecot"]) {
    if (spawnSync("id", ["-u", user], { stdio: "ignore" }).status !== 0) return `needs the system user ${user}`;
  }
  return undefined;
}

/**
 * Replaces every double-brace NAME placeholder in `text` with `values[NAME]`;
 * a placeholder without a value is an error, so a template never ships half-rendered.
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{([A-Z][A-Z0-9_]*)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return value;
  });
}

/**
 * Dovecot's SCRAM password scheme: `{SCRAM-SHA-256}ITERATIONS,SALT,STOREDKEY,SERVERKEY`
 * (base64), the keys RFC 5802 derives from the password.
 */
export function scramScheme(
  password: string,
  hash: "sha256" | "sha1",
  salt = randomBytes(16),
  iterations = 4096,
): string {
  const salted = pbkdf2Sync(password, salt, iterations, hash === "sha256" ? 32 : 20, hash);
  const clientKey = createHmac(hash, salted).update("Client Key").digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const serverKey = createHmac(hash, salted).update("Server Key").digest();
  const name = hash === "sha256" ? "SCRAM-SHA-256" : "SCRAM-SHA-1";
  return `{${name}}${iterations},${salt.toString("base64")},${storedKey.toString("base64")},${
    serverKey.toString("base64")
  }`;
}

/** An unprivileged loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, _HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function _run(file: string, args: string[], timeoutMs = 30_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${args.join(" ")}: ${err.message}\n${stderr}${stdout}`));
      else resolve({ stdout, stderr });
    });
  });
}

async function _id(flag: "-u" | "-g" | "-gn", user: string): Promise<string> {
  return (await _run("id", [flag, user], 5000)).stdout.trim();
}

function _readOr(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Whether `pid` is a live process: zombies (exited, not yet reaped by a busy init) count as dead. */
function _alive(pid: number): boolean {
  const stat = _readOr(`/proc/${pid}/stat`);
  if (stat) return !/^\d+ \(.*\) [ZX]/s.test(stat);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function _waitFor(what: string, test: () => boolean, timeoutMs: number, alive: () => string | undefined) {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    const dead = alive();
    if (dead) throw new Error(dead);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Options of `startPostfixPeer`. */
export interface StartPostfixPeerOptions {
  /** Parent of the temp dir; default os.tmpdir(). Every directory above it must be traversable by `postfix`. */
  tmpRoot?: string;
  /** Milliseconds to wait for each daemon to come up (default 15 s). */
  startTimeoutMs?: number;
  /**
   * Lines appended to main.cf (a later setting wins over the template's): a
   * test bed may add milters or deliver instead of discarding. The caller
   * waits for any port it adds.
   */
  mainCfExtra?: string;
  /** Services appended to master.cf (extra listeners on ports the caller chose). */
  masterCfExtra?: string;
}

/**
 * main.cf with `extra`'s settings in place of the template's: a setting
 * named again is removed where it stood before, not overridden by a later
 * line. Postfix warns "overriding earlier entry" from every daemon at its
 * start, and those warnings go through postlogd's datagram socket (10 deep
 * by default on Linux): on a loaded machine the daemons' warnings fill it
 * before postlogd reads, postlogd then blocks sending its own warning to
 * itself, and every smtpd hangs before its banner.
 */
export function withSettings(mainCf: string, extra: string): string {
  const names = new Set(
    extra.split("\n").flatMap((line) => /^([a-z0-9_]+)\s*=/.exec(line)?.slice(1) ?? []),
  );
  const kept: string[] = [];
  let dropping = false;
  for (const line of mainCf.split("\n")) {
    // A setting's continuation lines start with white space; they go with it.
    if (dropping && /^[ \t]+\S/.test(line)) continue;
    const name = /^([a-z0-9_]+)\s*=/.exec(line)?.[1];
    dropping = name !== undefined && names.has(name);
    if (!dropping) kept.push(line);
  }
  return `${kept.join("\n").trimEnd()}\n\n${extra}\n`;
}

/**
 * Starts a private Postfix + Dovecot on free loopback ports. On any
 * failure it stops whatever it had started, removes the temp dir and throws
 * with the logs collected so far.
 */
export async function startPostfixPeer(options: StartPostfixPeerOptions = {}): Promise<PostfixPeer> {
  const missing = postfixPeerMissing();
  if (missing) throw new Error(`cannot start the Postfix peer: ${missing}`);
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const dir = await mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), "smtpilot-postfix-"));
  const p = {
    etc: path.join(dir, "etc"),
    spool: path.join(dir, "spool"),
    data: path.join(dir, "data"),
    log: path.join(dir, "log"),
    dovecot: path.join(dir, "dovecot"),
  };
  const files = {
    maillog: path.join(p.log, "postfix.log"),
    dovecotLog: path.join(p.log, "dovecot.log"),
    dovecotConf: path.join(p.dovecot, "dovecot.conf"),
    passwd: path.join(p.dovecot, "users"),
    authSocket: path.join(p.dovecot, "run", "auth-client"),
    cert: path.join(p.etc, "server.pem"),
    key: path.join(p.etc, "server.key"),
    ca: path.join(dir, "ca.pem"),
  };

  let dovecot: ChildProcess | undefined;
  let dovecotOutput = "";
  let postfixStarting = false;
  let stopping: Promise<void> | undefined;

  const dovecotExited = () =>
    dovecot && (dovecot.exitCode !== null || dovecot.signalCode !== null)
      ? `dovecot exited (${dovecot.exitCode ?? dovecot.signalCode}): ${dovecotOutput.trim()}`
      : undefined;
  const postfixLog = () => _readOr(files.maillog);
  const dovecotLog = () => _readOr(files.dovecotLog);
  const logTail = (lines = 40) => {
    const tail = (text: string) => text.trimEnd().split("\n").slice(-lines).join("\n");
    return `--- postfix log (${files.maillog}) ---\n${tail(postfixLog())}\n` +
      `--- dovecot log ---\n${tail(dovecotLog())}${dovecotOutput ? `\n${tail(dovecotOutput)}` : ""}`;
  };

  // A synchronous last resort if the process exits without stop() (a crashed test run).
  const onExit = () => {
    if (postfixStarting) spawnSync(PEER_BINARIES.postfix, ["-c", p.etc, "stop"], { stdio: "ignore", timeout: 10_000 });
    dovecot?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);

  /** The master's pid while it runs (its pid file names it). */
  const masterPid = (): number | undefined => {
    const pid = Number(_readOr(path.join(p.spool, "pid", "master.pid")).trim());
    return pid > 0 && _alive(pid) ? pid : undefined;
  };

  const stopNow = async (): Promise<void> => {
    process.removeListener("exit", onExit);
    const problems: string[] = [];
    if (postfixStarting && masterPid() !== undefined) {
      let stopError = "";
      try {
        await _run(PEER_BINARIES.postfix, ["-c", p.etc, "stop"], 15_000);
      } catch (err) {
        stopError = (err as Error).message;
      }
      const gone = () => masterPid() === undefined;
      // The lock is released a moment before the process is gone.
      await _waitFor("the Postfix master to exit", gone, 2000, () => undefined).catch(() => undefined);
      const pid = masterPid();
      if (pid !== undefined) {
        // `postfix stop` failed or timed out: kill the master's whole process group.
        try {
          process.kill(-pid, "SIGKILL");
        } catch { /* gone meanwhile */ }
        await _waitFor(`the Postfix master (pid ${pid}) to die`, gone, 3000, () => undefined)
          .catch((err: Error) => problems.push(`${stopError}\n${err.message}`));
      }
    }
    await stopChild(dovecot);
    try {
      await rm(dir, { recursive: true, force: true });
    } catch (err) {
      problems.push(`removing ${dir}: ${(err as Error).message}`);
    }
    if (problems.length > 0) throw new Error(`stopping the Postfix peer: ${problems.join("; ")}`);
  };
  const stop = () => (stopping ??= stopNow());

  try {
    await chmod(dir, 0o755); // postfix and dovecot must traverse it
    for (const d of [p.etc, p.spool, p.log, p.dovecot]) await mkdir(d, { mode: 0o755 });
    // data_directory is created by `postfix start` (post-install create-missing), owned by mail_owner.

    const mailOwner = (await _run(PEER_BINARIES.postconf, ["-d", "-h", "mail_owner"], 5000)).stdout.trim();
    const [ownerGroup, dovecotUid, dovecotGid] = await Promise.all([
      _id("-gn", mailOwner),
      _id("-u", "dovecot"),
      _id("-g", "dovecot"),
    ]);

    // Certificates: a throw-away CA and a leaf for the host name, localhost and 127.0.0.1.
    const ca = createFixtureCa("smtpilot postfix peer CA");
    const leaf = issueCert(ca, {
      commonName: _HOSTNAME,
      sans: { dns: [_HOSTNAME, "localhost"], ip: [_HOST] },
      notBefore: new Date(Date.now() - _DAY_MS),
      notAfter: new Date(Date.now() + 90 * _DAY_MS),
    });
    await writeFile(files.cert, leaf.certPem, { mode: 0o600 });
    await writeFile(files.key, leaf.keyPem, { mode: 0o600 });
    await writeFile(files.ca, ca.certPem, { mode: 0o600 });

    const user = `pilot@${_DOMAIN}`;
    const password = randomBytes(18).toString("base64url");
    const sha1User = { user: `legacy@${_DOMAIN}`, password: randomBytes(18).toString("base64url") };
    const addresses: PeerAddresses = {
      own: user,
      localKnown: `postmaster@${_DOMAIN}`,
      localUnknown: `no-such-user@${_DOMAIN}`,
      notOwned: `someone-else@${_DOMAIN}`,
      outside: "rcpt@example.net",
      outsideSender: "app@example.org",
    };
    const [starttls, implicit, restricted, limited, limitedNoSize] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const values: Record<string, string> = {
      CONFIG_DIR: p.etc,
      QUEUE_DIR: p.spool,
      DATA_DIR: p.data,
      LOG_DIR: p.log,
      MAILLOG_FILE: files.maillog,
      SYSLOG_NAME: _SYSLOG_NAME,
      HOSTNAME: _HOSTNAME,
      DOMAIN: _DOMAIN,
      LOCAL_RECIPIENTS: "pilot=ok, postmaster=ok",
      SENDER_LOGINS: `${user}=${user}`,
      CERT_FILE: files.cert,
      KEY_FILE: files.key,
      SASL_PATH: files.authSocket,
      SUBMISSION_LISTEN: `${_HOST}:${starttls}`,
      SUBMISSIONS_LISTEN: `${_HOST}:${implicit}`,
      RESTRICTED_LISTEN: `${_HOST}:${restricted}`,
      LIMITED_LISTEN: `${_HOST}:${limited}`,
      LIMITED_NO_SIZE_LISTEN: `${_HOST}:${limitedNoSize}`,
      SIZE_LIMIT: String(_SIZE_LIMIT),
      INSTANCE_NAME: `smtpilot-peer-${path.basename(dir)}`,
      DOVECOT_RUN_DIR: path.dirname(files.authSocket),
      DOVECOT_STATE_DIR: path.join(p.dovecot, "state"),
      DOVECOT_LOG: files.dovecotLog,
      PASSWD_FILE: files.passwd,
      POSTFIX_USER: mailOwner,
      POSTFIX_GROUP: ownerGroup,
      USER: user,
      PASSWORD_HASH: scramScheme(password, "sha256"),
      SHA1_USER: sha1User.user,
      SHA1_PASSWORD_HASH: scramScheme(sha1User.password, "sha1"),
    };
    const render = async (template: string, target: string, mode = 0o644) => {
      const text = await readFile(path.join(_TEMPLATES, template), "utf8");
      await writeFile(target, renderTemplate(text, values), { mode });
    };
    await render("main.cf.tmpl", path.join(p.etc, "main.cf"));
    await render("master.cf.tmpl", path.join(p.etc, "master.cf"));
    if (options.mainCfExtra) {
      const mainCf = path.join(p.etc, "main.cf");
      await writeFile(mainCf, withSettings(await readFile(mainCf, "utf8"), options.mainCfExtra));
    }
    if (options.masterCfExtra) await appendFile(path.join(p.etc, "master.cf"), `\n${options.masterCfExtra}\n`);
    await render("dovecot.conf.tmpl", files.dovecotConf);
    await render("passwd-file.tmpl", files.passwd, 0o600);
    // Dovecot's auth process runs as its unprivileged user and reads the passwd-file.
    await chown(files.passwd, Number(dovecotUid), Number(dovecotGid));
    await mkdir(values.DOVECOT_STATE_DIR as string, { mode: 0o755 });

    // Dovecot first: smtpd connects to its auth socket on the first AUTH.
    dovecot = spawn(PEER_BINARIES.dovecot, ["-F", "-c", files.dovecotConf], { stdio: ["ignore", "pipe", "pipe"] });
    dovecot.stdout?.on("data", (b: Buffer) => (dovecotOutput += b.toString()));
    dovecot.stderr?.on("data", (b: Buffer) => (dovecotOutput += b.toString()));
    dovecot.once("error", (err) => (dovecotOutput += `spawn failed: ${err.message}`));
    await _waitFor(
      `Dovecot's auth socket ${files.authSocket}`,
      () => existsSync(files.authSocket),
      startTimeoutMs,
      () => dovecotExited() ?? (dovecotOutput.includes("spawn failed") ? dovecotOutput : undefined),
    );

    // `postfix start` runs the integrity check (creating queue and data dirs
    // owned as Postfix wants them) and returns once the master is initialised.
    postfixStarting = true;
    await _run(PEER_BINARIES.postfix, ["-c", p.etc, "start"], startTimeoutMs * 2);
    for (const port of [starttls, implicit, restricted, limited, limitedNoSize]) {
      await waitForPort(_HOST, port, startTimeoutMs, dovecotExited);
    }

    return {
      host: _HOST,
      ports: { starttls, implicit, restricted, limited, limitedNoSize },
      sizeLimit: _SIZE_LIMIT,
      caPem: ca.certPem,
      hostname: _HOSTNAME,
      domain: _DOMAIN,
      user,
      password,
      sha1User,
      addresses,
      dir,
      postfixLog,
      dovecotLog,
      logTail,
      queueListing: async () => (await _run(PEER_BINARIES.postqueue, ["-c", p.etc, "-p"], 10_000)).stdout,
      settleLog: async (timeoutMs = 60_000) => {
        const count = (re: RegExp) => postfixLog().match(re)?.length ?? 0;
        const settled = () => count(/\]: connect from /g) <= count(/\]: disconnect from /g);
        await _waitFor("every smtpd session to log its disconnect", settled, timeoutMs, () => undefined);
      },
      stop,
    };
  } catch (err) {
    const logs = logTail();
    try {
      await stop();
    } catch (stopErr) {
      throw new Error(`${(err as Error).message}\n(and while cleaning up: ${(stopErr as Error).message})\n${logs}`);
    }
    throw new Error(`the Postfix peer did not start: ${(err as Error).message}\n${logs}`);
  }
}

runPeerFromCommandLine(import.meta.url, startPostfixPeer, (peer) => ({
  host: peer.host,
  ports: peer.ports,
  hostname: peer.hostname,
  user: peer.user,
  password: peer.password,
  addresses: peer.addresses,
  ca: path.join(peer.dir, "ca.pem"),
  log: path.join(peer.dir, "log", "postfix.log"),
}));
