#!/usr/bin/env node
// Benchmark: wall time of `smtpilot diagnose` — the single binary, as a user runs it (its start-up
// included) — next to swaks doing the same work against the same fixture server, in the same run.
// Prints a table; asserts nothing. Run: npm run bench:diagnose
//
// Targets (issue #2): a full STARTTLS + AUTH + RCPT probe within 1.5x swaks' time; every
// mode-mismatch verdict at least 10x faster than swaks.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const binary = path.join(
  root,
  "dist",
  `smtpilot-${process.platform}-${process.arch}${process.platform === "win32" ? ".exe" : ""}`,
);
const runs = Number(process.env.BENCH_RUNS ?? 7);

// Builds the binary (and the bundle, which serves the fixture in its own process).
spawnSync(process.execPath, [path.join(root, "scripts/build/binary.mjs")], { stdio: "inherit" });
const hasSwaks = spawnSync("swaks", ["--version"]).status === 0;
if (!hasSwaks) console.log("swaks not found (apt-get install swaks): showing smtpilot alone");

/** Starts a server process that prints a JSON document first; resolves with it (and the child). */
function startServer(args, until) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
      const json = until ? text.split(until)[0] : text;
      if (until && !text.includes(until)) return;
      try {
        resolve({ child, info: JSON.parse(json) });
      } catch { /* wait for the rest */ }
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
}

function timeOnce(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "ignore"], timeout: 60_000 });
  return { ms: performance.now() - t0, status: r.status };
}
function median(cmd, args, n, env) {
  const samples = [];
  let status;
  for (let i = 0; i < n; i++) {
    const r = timeOnce(cmd, args, env);
    samples.push(r.ms);
    status = r.status;
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], status };
}

/** The three comparisons against one server: a full probe and both mode mismatches. */
function casesFor(t) {
  const smtp = (...args) => ["diagnose", "--host", "127.0.0.1", ...args];
  const swaks = (
    port,
    ...args
  ) => ["--server", `127.0.0.1:${port}`, "--from", t.from, "--to", t.to, "--quit-after", "RCPT", ...args];
  return [
    {
      name: `${t.label}: full auth probe (STARTTLS+AUTH+RCPT)`,
      smtpilot: smtp(
        "--port",
        t.starttls,
        "--tls",
        "starttls",
        "--ca",
        t.ca,
        "--user",
        t.user,
        "--secret",
        "env:BENCH_SECRET",
        "--from",
        t.from,
        "--to",
        t.to,
      ),
      swaks: swaks(
        t.starttls,
        "--tls",
        "--tls-verify",
        "--tls-ca-path",
        t.ca,
        "--auth",
        "PLAIN",
        "--auth-user",
        t.user,
        "--auth-password",
        t.password,
      ),
      target: "<= 1.5x swaks",
      n: runs,
    },
    {
      name: `${t.label}: STARTTLS on an implicit-TLS port`,
      smtpilot: smtp("--port", t.implicit, "--tls", "starttls", "--ca", t.ca),
      swaks: swaks(t.implicit, "--tls"),
      target: ">= 10x faster",
      n: Math.min(runs, 3),
    },
    {
      name: `${t.label}: implicit TLS on a STARTTLS port`,
      smtpilot: smtp("--port", t.starttls, "--tls", "implicit", "--ca", t.ca),
      swaks: swaks(t.starttls, "--tls-on-connect"),
      target: "swaks fails fast here",
      n: Math.min(runs, 3),
    },
  ];
}

const targets = [];
const children = [];
// The fixture runs in its own process so its work never counts against either client.
{
  const { child, info } = await startServer([bundle, "fixture", "--json"]);
  children.push(child);
  targets.push({
    label: "fixture",
    starttls: String(info.ports["healthy-starttls"]),
    implicit: String(info.ports["healthy-implicit"]),
    ca: info.caPath,
    user: info.demo.user,
    password: info.demo.password,
    from: "a@smtpilot.test",
    to: "b@smtpilot.test",
  });
}
// A real Postfix + Dovecot (scripts/peers/postfix), when this machine can run it (root, packages).
try {
  const { child, info } = await startServer(
    ["--import", "tsx", "scripts/peers/postfix/peer.ts"],
    "Running until Ctrl-C.",
  );
  children.push(child);
  targets.push({
    label: "postfix",
    starttls: String(info.ports.starttls),
    implicit: String(info.ports.implicit),
    ca: info.ca,
    user: info.user,
    password: info.password,
    from: info.addresses.own,
    to: info.addresses.localKnown,
  });
} catch (err) {
  console.log(`(no Postfix peer: ${String(err.message).split("\n")[0]})`);
}

console.log(`\n${"case".padEnd(52)} ${"smtpilot".padStart(10)} ${"swaks".padStart(10)} ${"ratio".padStart(8)}  target`);
for (const t of targets) {
  const env = { ...process.env, BENCH_SECRET: t.password };
  for (const c of casesFor(t)) {
    const ours = median(binary, c.smtpilot, c.n, env);
    const theirs = hasSwaks ? median("swaks", c.swaks, c.n, env) : undefined;
    const ratio = theirs ? (ours.ms / theirs.ms).toFixed(2) : "-";
    console.log(
      `${c.name.padEnd(52)} ${`${ours.ms.toFixed(0)} ms`.padStart(10)} ${
        theirs ? `${theirs.ms.toFixed(0)} ms`.padStart(10) : "-".padStart(10)
      } ${ratio.padStart(8)}  ${c.target}  (exit ${ours.status}${theirs ? ` / swaks ${theirs.status}` : ""})`,
    );
  }
}
const node0 = median(process.execPath, ["-e", "0"], runs);
const version = median(binary, ["--version"], runs);
console.log(`${"(reference) node -e 0".padEnd(52)} ${`${node0.ms.toFixed(0)} ms`.padStart(10)}`);
console.log(
  `${"(reference) smtpilot --version (start-up alone)".padEnd(52)} ${`${version.ms.toFixed(0)} ms`.padStart(10)}`,
);
for (const child of children) child.kill("SIGINT");
