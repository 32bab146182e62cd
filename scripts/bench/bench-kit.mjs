// What the send benchmarks (scale.mjs, send-startup.mjs) share: loopback ports, the TLS front's
// certificates and a person typing a confirmation code on a pseudo-terminal.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * A CA made for this run and a certificate for localhost/127.0.0.1 it issued, written to `dir` (the key
 * mode 0600): the files' paths (`ca`, `cert`, `key`) and the CA's PEM text (`caPem`).
 */
export async function writeBenchCerts(dir) {
  const { createFixtureCa, issueCert } = await import("../../fixtures/certs.ts");
  const ca = createFixtureCa("smtpilot bench CA");
  const leaf = issueCert(ca, {
    commonName: "localhost",
    sans: { dns: ["localhost"], ip: ["127.0.0.1"] },
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
  });
  const files = { ca: path.join(dir, "ca.pem"), cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") };
  fs.writeFileSync(files.ca, ca.certPem);
  fs.writeFileSync(files.cert, leaf.certPem);
  fs.writeFileSync(files.key, leaf.keyPem, { mode: 0o600 });
  return { ...files, caPem: ca.certPem };
}

/** Resolves once something listens on 127.0.0.1:`port` (five seconds at most). */
export async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/**
 * Runs `cmd args` on a pseudo-terminal (util-linux `script`) and types the confirmation code it
 * shows ("Type ABCDEF to confirm"), as the person stating a placement does. Rejects unless it ends 0.
 */
export function typeConfirmCode(cmd, args) {
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const child = spawn("script", ["-qfec", ["exec", cmd, ...args].map(q).join(" "), "/dev/null"], {
    env: { ...process.env, TERM: "dumb" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let shown = "";
  let typed = false;
  const onData = (d) => {
    shown += d.toString("utf8");
    const m = /Type ([A-Z2-7]{6}) to confirm/.exec(shown);
    if (m && !typed) {
      typed = true;
      child.stdin.write(`${m[1]}\r`);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ended ${code}:\n${shown}`))))
  );
}

/**
 * States the last canary's placement the documented way — a person at a terminal running
 * `verify --last --placement inbox` and typing the code it shows — with `cmd args` starting smtpilot.
 */
export function stateCanaryInbox(cmd, args, home, note) {
  return typeConfirmCode(cmd, [...args, "--home", home, "verify", "--last", "--placement", "inbox", "--note", note]);
}
