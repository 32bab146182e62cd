/**
 * A private, throw-away Dovecot IMAP server (Debian's dovecot-core +
 * dovecot-imapd) on loopback, serving a Maildir++ — typically the one the
 * fixture delivers to — so `smtpilot verify` can be checked against the IMAP
 * server canary mailboxes actually run.
 *
 * Everything lives in one temp dir: the configuration, base_dir, state,
 * log, indexes, passwd-file and certificates; the system instance
 * (/etc/dovecot, /run/dovecot) is never read nor touched. The only
 * listeners are two ports on 127.0.0.1: IMAP with STARTTLS (143 style) and
 * IMAP over implicit TLS (993 style); no login is possible before TLS. The
 * certificate comes from a CA made at start-up. One user, whose password is
 * generated per run.
 *
 * Unprivileged: every Dovecot process, master included, runs as one user —
 * `dovecot` when started by root (the tree is handed to it), else the user
 * who started it. So the Maildir must be writable by that user: the one the
 * peer makes (`maildir`) is, and is world-writable when started by root, so
 * that files a root process writes (the fixture gives them the root folder's
 * mode) stay readable to Dovecot. As a script it starts the peer, prints its
 * ports and credentials as JSON and runs until Ctrl-C:
 *
 *   npx tsx scripts/peers/dovecot-imap/peer.ts
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFixtureCa, issueCert } from "../../../fixtures/index.ts";
import { freePort, renderTemplate, scramScheme } from "../postfix/peer.ts";
import { runPeerFromCommandLine, stopChild, waitForPort } from "../_daemon.ts";

/** Where Debian installs Dovecot's master and its IMAP server. */
export const DOVECOT_BINARIES = {
  dovecot: "/usr/sbin/dovecot",
  imap: "/usr/lib/dovecot/imap",
  imapLogin: "/usr/lib/dovecot/imap-login",
} as const;

const _TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), "dovecot.conf.tmpl");
const _HOST = "127.0.0.1";
const _HOSTNAME = "imap.smtpilot.test";
const _DAY_MS = 24 * 60 * 60 * 1000;

/** A running peer. */
export interface DovecotImapPeer {
  host: string;
  /** IMAP with STARTTLS, and IMAP over implicit TLS. */
  ports: { starttls: number; implicit: number };
  /** The private CA that signed the server certificate (PEM), and a file holding it. */
  caPem: string;
  caFile: string;
  /** The name in the certificate (besides localhost and 127.0.0.1). */
  hostname: string;
  /** The login and its password, generated for this run. */
  user: string;
  password: string;
  /** The Maildir++ served as the user's mailbox (INBOX, Junk marked \Junk). */
  maildir: string;
  /** The temp dir holding everything (removed by `stop()`; a caller's Maildir is not). */
  dir: string;
  /** Dovecot's log so far. */
  log(): string;
  /** Its last lines, for failure messages. */
  logTail(lines?: number): string;
  /** Stops Dovecot and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of `startDovecotImapPeer`. */
export interface StartDovecotImapPeerOptions {
  /** Serve this Maildir++ (must be writable by the user Dovecot runs as); default: a fresh one in the temp dir. */
  maildir?: string;
  /** The login (default canary@smtpilot.test). */
  user?: string;
  /** Parent of the temp dir; default os.tmpdir(). */
  tmpRoot?: string;
  /** Milliseconds to wait for the listeners (default 15 s). */
  startTimeoutMs?: number;
}

/** Why the peer cannot run on this machine, or undefined when it can. */
export function dovecotImapMissing(): string | undefined {
  const absent = Object.values(DOVECOT_BINARIES).filter((p) => !existsSync(p));
  if (absent.length > 0) {
    return `needs Dovecot's IMAP server (missing ${absent.join(", ")}): apt-get install dovecot-core dovecot-imapd`;
  }
  if (process.getuid?.() === 0 && _idOf("dovecot") === undefined) return "needs the system user dovecot to run as";
  return undefined;
}

/** The account every Dovecot process runs as: `dovecot` for root, else the current user. */
interface _RunAs {
  user: string;
  group: string;
  uid: number;
  gid: number;
  /** Whether the files we write must be handed over to it. */
  handOver: boolean;
}

function _idOf(user: string): { uid: number; gid: number; group: string } | undefined {
  try {
    const out = (flag: string) => execFileSync("id", [flag, user], { encoding: "utf8", stdio: "pipe" }).trim();
    return { uid: Number(out("-u")), gid: Number(out("-g")), group: out("-gn") };
  } catch {
    return undefined;
  }
}

function _runAs(): _RunAs {
  if (process.getuid?.() === 0) {
    const id = _idOf("dovecot");
    if (!id) throw new Error("the system user dovecot does not exist");
    return { user: "dovecot", group: id.group, uid: id.uid, gid: id.gid, handOver: true };
  }
  const me = os.userInfo();
  const group = execFileSync("id", ["-gn"], { encoding: "utf8" }).trim();
  return { user: me.username, group, uid: me.uid, gid: me.gid, handOver: false };
}

function _readOr(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Gives `root` and everything under it to the run user (only when started by root). */
async function _handOver(root: string, runAs: _RunAs): Promise<void> {
  await chown(root, runAs.uid, runAs.gid);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) await _handOver(full, runAs);
    else await chown(full, runAs.uid, runAs.gid);
  }
}

/** A caller's Maildir the run user cannot write into would fail only at the first login: say so now. */
function _checkMaildir(maildir: string, runAs: _RunAs): void {
  const st = statSync(maildir);
  if (!st.isDirectory()) throw new Error(`${maildir} is not a directory`);
  const writable = st.uid === runAs.uid ? (st.mode & 0o300) === 0o300 : (st.mode & 0o003) === 0o003;
  if (!writable) {
    throw new Error(
      `Dovecot runs as ${runAs.user} and cannot write ${maildir}: create it with mkdir -m 0777 or chown it to ${runAs.user}`,
    );
  }
}

/**
 * Starts the private Dovecot on two free loopback ports. On any failure it
 * stops whatever it had started, removes the temp dir and throws with the log.
 */
export async function startDovecotImapPeer(options: StartDovecotImapPeerOptions = {}): Promise<DovecotImapPeer> {
  const missing = dovecotImapMissing();
  if (missing) throw new Error(`cannot start the Dovecot IMAP peer: ${missing}`);
  const runAs = _runAs();
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const dir = await mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), "smtpilot-dovecot-"));
  const files = {
    conf: path.join(dir, "dovecot.conf"),
    log: path.join(dir, "log", "dovecot.log"),
    passwd: path.join(dir, "users"),
    cert: path.join(dir, "tls", "server.pem"),
    key: path.join(dir, "tls", "server.key"),
    ca: path.join(dir, "ca.pem"),
  };
  const maildir = options.maildir === undefined ? path.join(dir, "Maildir") : path.resolve(options.maildir);

  let child: ChildProcess | undefined;
  let output = "";
  let stopping: Promise<void> | undefined;
  const exited = () =>
    child && (child.exitCode !== null || child.signalCode !== null)
      ? `dovecot exited (${child.exitCode ?? child.signalCode}): ${output.trim()}`
      : output.includes("spawn failed")
      ? output
      : undefined;
  const log = () => _readOr(files.log);
  const logTail = (lines = 40) =>
    `--- dovecot log (${files.log}) ---\n${log().trimEnd().split("\n").slice(-lines).join("\n")}` +
    (output ? `\n--- dovecot output ---\n${output.trimEnd()}` : "");

  // A synchronous last resort if the process exits without stop() (a crashed test run).
  const onExit = () => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);

  const stopNow = async (): Promise<void> => {
    process.removeListener("exit", onExit);
    // The master stops its children on SIGTERM before it exits.
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  const stop = () => (stopping ??= stopNow());

  try {
    for (const d of ["state", "log", "tls", "index", "control", "home"]) {
      await mkdir(path.join(dir, d), { mode: 0o700 });
    }
    // Dovecot wants its base_dir world-readable (its sockets carry their own modes).
    await mkdir(path.join(dir, "run"), { mode: 0o755 });
    if (options.maildir === undefined) {
      await mkdir(maildir, { mode: 0o700 });
      // Root writes into it (the fixture, a test) with the folder's own mode: let Dovecot read that.
      if (runAs.handOver) await chmod(maildir, 0o777);
    } else {
      _checkMaildir(maildir, runAs);
    }

    const ca = createFixtureCa("smtpilot dovecot peer CA");
    const leaf = issueCert(ca, {
      commonName: _HOSTNAME,
      sans: { dns: [_HOSTNAME, "localhost"], ip: [_HOST] },
      notBefore: new Date(Date.now() - _DAY_MS),
      notAfter: new Date(Date.now() + 90 * _DAY_MS),
    });
    await writeFile(files.cert, leaf.certPem, { mode: 0o600 });
    await writeFile(files.key, leaf.keyPem, { mode: 0o600 });
    await writeFile(files.ca, ca.certPem, { mode: 0o644 });

    const user = options.user ?? "canary@smtpilot.test";
    if (!/^[A-Za-z0-9._+@-]+$/.test(user)) throw new Error(`unsuitable IMAP user name ${JSON.stringify(user)}`);
    const password = randomBytes(18).toString("base64url");
    const [starttls, implicit] = [await freePort(), await freePort()];
    const values: Record<string, string> = {
      INSTANCE_NAME: `smtpilot-imap-${path.basename(dir)}`,
      BASE_DIR: path.join(dir, "run"),
      STATE_DIR: path.join(dir, "state"),
      LOG_FILE: files.log,
      HOST: _HOST,
      RUN_USER: runAs.user,
      RUN_GROUP: runAs.group,
      RUN_UID: String(runAs.uid),
      RUN_GID: String(runAs.gid),
      CERT_FILE: files.cert,
      KEY_FILE: files.key,
      PASSWD_FILE: files.passwd,
      HOME_DIR: path.join(dir, "home"),
      MAILDIR: maildir,
      INDEX_DIR: path.join(dir, "index"),
      CONTROL_DIR: path.join(dir, "control"),
      STARTTLS_PORT: String(starttls),
      IMPLICIT_PORT: String(implicit),
    };
    await writeFile(files.conf, renderTemplate(await readFile(_TEMPLATE, "utf8"), values), { mode: 0o600 });
    await writeFile(files.passwd, `${user}:${scramScheme(password, "sha256")}::::::\n`, { mode: 0o600 });
    if (runAs.handOver) await _handOver(dir, runAs);

    child = spawn(DOVECOT_BINARIES.dovecot, ["-F", "-c", files.conf], {
      stdio: ["ignore", "pipe", "pipe"],
      ...(runAs.handOver ? { uid: runAs.uid, gid: runAs.gid } : {}),
      env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
    });
    child.stdout?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
    child.stderr?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
    child.once("error", (err) => (output += `spawn failed: ${err.message}`));
    for (const port of [starttls, implicit]) await waitForPort(_HOST, port, startTimeoutMs, exited);

    return {
      host: _HOST,
      ports: { starttls, implicit },
      caPem: ca.certPem,
      caFile: files.ca,
      hostname: _HOSTNAME,
      user,
      password,
      maildir,
      dir,
      log,
      logTail,
      stop,
    };
  } catch (err) {
    const tail = logTail();
    await stop().catch(() => undefined);
    throw new Error(`the Dovecot IMAP peer did not start: ${(err as Error).message}\n${tail}`);
  }
}

runPeerFromCommandLine(import.meta.url, startDovecotImapPeer, (peer) => {
  const { host, ports, hostname, user, password, maildir, caFile } = peer;
  return { host, ports, hostname, user, password, maildir, ca: caFile };
});
