/**
 * A private, headless Secret Service: a D-Bus session bus of its own
 * (`dbus-daemon --session`) and GNOME Keyring's secrets component on it,
 * unlocked with a throw-away password — Debian's dbus, gnome-keyring and
 * libsecret-tools. Nothing touches the user's own keyring: the bus, the
 * keyring files (XDG_DATA_HOME) and the runtime folder live in one temp dir,
 * removed on stop. `env` is what a client needs (DBUS_SESSION_BUS_ADDRESS
 * and friends) to reach it with `secret-tool`. As a script it prints that
 * environment as JSON and runs until Ctrl-C:
 *
 *   npx tsx scripts/peers/secret-service/peer.ts
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runPeerFromCommandLine, stopChild } from "../_daemon.ts";

/** A running Secret Service. */
export interface SecretServicePeer {
  /** The environment for a client: the private bus address, HOME and XDG folders. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** True when the Debian packages are installed (the tests skip, or fail under CI, otherwise). */
export function secretServiceAvailable(): boolean {
  try {
    for (const tool of ["dbus-daemon", "gnome-keyring-daemon", "secret-tool"]) {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    }
    return true;
  } catch {
    return false;
  }
}

/** Reads the first line a child prints on stdout. */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("utf8");
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        child.stdout?.off("data", onData);
        resolve(buf.slice(0, nl).trim());
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

/** Starts the bus, then the keyring daemon on it, and waits until the keyring answers. */
export async function startSecretService(): Promise<SecretServicePeer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smtpilot-secret-service-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_RUNTIME_DIR: dir,
    XDG_DATA_HOME: path.join(dir, "data"),
    XDG_CONFIG_HOME: path.join(dir, "config"),
  };
  let bus: ChildProcess | undefined;
  let keyring: ChildProcess | undefined;
  const stop = async () => {
    await stopChild(keyring, 2000);
    await stopChild(bus, 2000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    bus = spawn("dbus-daemon", ["--session", "--nofork", "--nosyslog", "--print-address=1"], {
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    env.DBUS_SESSION_BUS_ADDRESS = await firstLine(bus, "dbus-daemon");
    // --unlock reads the new login keyring's password from stdin; --foreground keeps it our child.
    keyring = spawn("gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], {
      env,
      stdio: ["pipe", "ignore", "ignore"],
    });
    keyring.stdin?.end("smtpilot-test-keyring\n");
    await waitForKeyring(env, keyring);
    return { env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Polls with a harmless store (then removes it) until the daemon owns org.freedesktop.secrets and
 * has created the unlocked login collection — events we cannot subscribe to. A lookup alone
 * answers before the collection exists, and on a busy machine a test's first store then failed
 * with "Object does not exist at path /org/freedesktop/secrets/collection/login".
 */
async function waitForKeyring(env: Record<string, string>, daemon: ChildProcess): Promise<void> {
  const probe = ["service", "smtpilot-probe", "account", "ready"];
  const tool = (args: string[], input = "") =>
    new Promise<boolean>((resolve) => {
      const c = spawn("secret-tool", args, { env, stdio: ["pipe", "ignore", "ignore"] });
      c.once("exit", (code) => resolve(code === 0));
      c.once("error", () => resolve(false));
      c.stdin?.on("error", () => {});
      c.stdin?.end(input);
    });
  for (let i = 0; i < 200; i++) {
    if (daemon.exitCode !== null) throw new Error(`gnome-keyring-daemon exited (${daemon.exitCode})`);
    if (await tool(["store", "--label=smtpilot peer readiness", ...probe], "ready")) {
      await tool(["clear", ...probe]);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the Secret Service never stored an entry on the private bus");
}

runPeerFromCommandLine(import.meta.url, startSecretService, (peer) => peer.env);
