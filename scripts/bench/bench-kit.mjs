// What the send benchmarks (scale.mjs, send-startup.mjs) share: loopback ports and a person typing
// a confirmation code on a pseudo-terminal.
import { spawn } from "node:child_process";
import net from "node:net";

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
