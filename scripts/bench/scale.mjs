#!/usr/bin/env node
// Benchmark: messages per second of a scale send (`smtpilot send --to-list`, run as a user runs
// it: the npm package's entry by default) next to Postfix's smtp-source and nodemailer's pooled SMTP transport — the
// same ~2 KB message, the same number of connections (1 and 10), the same loopback sink (Postfix's
// smtp-sink), in the same run. Prints a table; asserts nothing except that every tool's messages
// reached the sink. Run: npm run bench:scale
//   BENCH_MESSAGES=5000  messages per run      BENCH_RUNS=3  runs per cell (the median is shown)
//   BENCH_CONNECTIONS=1,10  BENCH_CPU_PROF=DIR (V8 CPU profiles of smtpilot's sends)
//   BENCH_WRAP="CMD ARGS" runs each timed list send of smtpilot and the Node floor under CMD (its CPU
//     counted too), %n in it replaced by a unique name: "strace -c -f -o /tmp/st-%n.txt", or
//     "env NODE_OPTIONS=--perf-basic-prof perf record -g -o /tmp/perf-%n.data --" (JS frames named)
//   BENCH_ENTRY=package|binary|bundle  how smtpilot is started (default package):
//     package  the npm package's entry (bin/smtpilot.mjs next to the bundle, as `npm install -g`
//              lays them out): Node's compile cache on, as every user of the npm package runs it
//     binary   the single binary (npm run build:binary; its assets carry V8 code caches)
//     bundle   dist/smtpilot.cjs by plain node, no compile cache (the figure before issue 21)
//   BENCH_BUNDLE=FILE (time that build instead of building dist/smtpilot.cjs; package and bundle)
//   BENCH_TOOLS=smtp-source,smtpilot (only these tools, by name prefix)
//   BENCH_BASELINE=FILE (another bundle, timed in the same runs as "smtpilot baseline", started
//     the same way: the package's entry unless BENCH_ENTRY=bundle)
//   BENCH_MESSAGES=50000 shows throughput with start-up a small share; 5000 shows start-up's weight.
//
// Target (issue #21): at 10 connections, at least 0.75x smtp-source with smtpilot's start-up included
// (the "incl. start-up" column: the whole command as a user runs it); above nodemailer.
//
// The transport each tool can use: smtp-sink and smtp-source speak plaintext SMTP only, while a
// smtpilot send always authenticates and never sends credentials without verified TLS. So the sink
// gets a TLS front (implicit TLS, a certificate from a CA made here, in its own process) and the
// table shows nodemailer twice: over that front with TLS + AUTH exactly as smtpilot, and plaintext
// straight to the sink as smtp-source. The front answers AUTH itself (235, any credentials).
// A second table gives each client's CPU per message (via /usr/bin/time, Debian's `time`, when
// installed), the front's and the sink's: machine load moves the rates, much less the CPU. The
// start-up of a send (a one-recipient list: Node, the CLI, memory folder, gates, sessions) is
// printed apart, in wall and CPU time.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";
import { freePort, stateCanaryInbox, waitForPort, writeBenchCerts } from "./bench-kit.mjs";
import { finalReplies } from "./final-replies.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const self = fileURLToPath(import.meta.url);

/**
 * The TLS front (run as a child): implicit TLS on a free loopback port, each connection piped to
 * the sink's plaintext port. It answers AUTH itself (smtp-sink answers AUTH with 250, not RFC
 * 4954's 235, which a careful client refuses) and then pipes the session through untouched.
 * Prints its port, then serves until killed.
 */
function tlsFront([certFile, keyFile, sinkPort]) {
  const server = tls.createServer(
    { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), minVersion: "TLSv1.2" },
    (client) => {
      client.setNoDelay(true);
      const upstream = net.connect(Number(sinkPort), "127.0.0.1");
      upstream.setNoDelay(true);
      upstream.pipe(client);
      const close = () => (client.destroy(), upstream.destroy());
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
      // Until the login is done, read lines: AUTH and its continuation lines are answered here.
      let pending = "";
      let steps = 0; // continuation lines still expected
      const onData = (chunk) => {
        pending += chunk.toString("latin1");
        let eol;
        while ((eol = pending.indexOf("\r\n")) >= 0) {
          const line = pending.slice(0, eol);
          pending = pending.slice(eol + 2);
          if (steps > 0) {
            steps--;
            client.write(steps === 0 ? "235 2.7.0 Authentication successful\r\n" : "334 UGFzc3dvcmQ6\r\n");
          } else if (/^AUTH PLAIN \S+$/i.test(line)) {
            client.write("235 2.7.0 Authentication successful\r\n");
          } else if (/^AUTH PLAIN$/i.test(line)) {
            steps = 1;
            client.write("334 \r\n");
          } else if (/^AUTH LOGIN \S+$/i.test(line)) {
            steps = 1;
            client.write("334 UGFzc3dvcmQ6\r\n");
          } else if (/^AUTH LOGIN$/i.test(line)) {
            steps = 2;
            client.write("334 VXNlcm5hbWU6\r\n");
          } else {
            upstream.write(`${line}\r\n`);
            continue;
          }
          if (steps === 0) {
            // Logged in: from here on the session is piped through as it is.
            client.off("data", onData);
            if (pending) upstream.write(Buffer.from(pending, "latin1"));
            client.pipe(upstream);
            return;
          }
        }
      };
      client.on("data", onData);
    },
  );
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
}

/**
 * The floor (run as a child): the least any Node program can do for the same work over the same
 * TLS + AUTH path — `connections` TLS sessions, EHLO, AUTH PLAIN, then each message in the scheme
 * smtpilot uses (RFC 2920: the message, its final dot and the next MAIL/RCPT/DATA in one write, one
 * round trip a message), with no journal, no gates, no list, no reply reading beyond the codes. Not
 * a client anyone should use: it is here so the table shows what Node and TLS cost before any of
 * smtpilot's safety. Prints `{"accepted":N}` when done.
 */
function tlsFloor([port, caFile, messageFile, total, connections, from]) {
  const N = Number(total);
  const ca = fs.readFileSync(caFile);
  const body = fs.readFileSync(messageFile);
  const dataEnd = Buffer.from(".\r\n");
  const login = `AUTH PLAIN ${Buffer.from("\0bench\0bench-password").toString("base64")}\r\n`;
  const envelope = (i) => `MAIL FROM:<${from}>\r\nRCPT TO:<r${i}@bench.smtpilot.test>\r\nDATA\r\n`;
  let next = 0;
  let accepted = 0;
  let open = Number(connections);
  for (let c = 0; c < Number(connections); c++) {
    const socket = tls.connect({ port: Number(port), host: "127.0.0.1", servername: "localhost", ca });
    socket.setNoDelay(true);
    let stage = "greeting"; // greeting, ehlo, auth, group, last, quit
    let seen = 0; // final replies of the current group so far
    let size = 0; // final replies the current group asks for
    let carriesMessage = false; // the group's first reply answers a message
    const sendGroup = (withMessage) => {
      const envelopeOfNext = next < N ? Buffer.from(envelope(next++)) : undefined;
      const parts = withMessage ? [body, dataEnd] : [];
      if (envelopeOfNext) parts.push(envelopeOfNext);
      socket.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      carriesMessage = withMessage;
      size = (withMessage ? 1 : 0) + (envelopeOfNext ? 3 : 0);
      seen = 0;
      stage = envelopeOfNext ? "group" : "last";
    };
    socket.on(
      "data",
      finalReplies((code, line) => {
        if (stage === "greeting") {
          stage = "ehlo";
          socket.write("EHLO floor.bench.smtpilot.test\r\n");
        } else if (stage === "ehlo") {
          stage = "auth";
          socket.write(login);
        } else if (stage === "auth") {
          if (code !== "235") throw new Error(`AUTH: ${line}`);
          if (next < N) sendGroup(false);
          else (stage = "quit"), socket.end("QUIT\r\n");
        } else if (stage === "group" || stage === "last") {
          if (seen++ === 0 && carriesMessage && code === "250") accepted++;
          if (seen < size) return;
          if (stage === "last") {
            stage = "quit";
            socket.end("QUIT\r\n");
          } else if (code !== "354") {
            throw new Error(`DATA: ${line}`);
          } else {
            sendGroup(true);
          }
        }
      }),
    );
    socket.on("close", () => {
      if (--open === 0) process.stdout.write(`${JSON.stringify({ accepted })}\n`);
    });
  }
}

const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
let timeFiles = 0;

/** spawnSync, and with `timed` (when /usr/bin/time exists) the child's user + system CPU seconds as `cpu`. */
function run(cmd, args, options = {}, timed = false) {
  if (!timed || !TIME) return spawnSync(cmd, args, options);
  const out = path.join(os.tmpdir(), `smtpilot-bench-time-${process.pid}-${++timeFiles}`);
  const r = spawnSync(TIME, ["-f", "%U %S", "-o", out, cmd, ...args], options);
  const [user = NaN, system = NaN] = fs.readFileSync(out, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  fs.rmSync(out, { force: true });
  return { ...r, cpu: user + system };
}

/** `[cmd, args]`, behind BENCH_WRAP's command when `wrap` and it is set (`%n` in it: `name` and the time). */
function wrapped(wrap, cmd, args, name) {
  const prefix = wrap ? process.env.BENCH_WRAP?.replaceAll("%n", `${name}-${Date.now()}`).split(" ") : undefined;
  return prefix ? [prefix[0], [...prefix.slice(1), cmd, ...args]] : [cmd, args];
}

/** A process's user + system CPU seconds so far (Linux /proc), or undefined. */
function processCpu(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The build timed: BENCH_BUNDLE=FILE (say, an unminified one for readable profiles), or dist/smtpilot.cjs. */
function bundleFile() {
  return process.env.BENCH_BUNDLE ? path.resolve(process.env.BENCH_BUNDLE) : path.join(root, "dist/smtpilot.cjs");
}

/** How smtpilot is started (BENCH_ENTRY): package (default), binary or bundle. */
const ENTRY = process.env.BENCH_ENTRY ?? "package";

/**
 * The command that starts `bundle` the way ENTRY says: `{ cmd, args }`, Node flags allowed in
 * `args` first. A package is laid out under `dir` as `npm install -g` lays it out (bin/ and
 * dist/ of the package, no sources next to it), so its entry runs the bundle with Node's compile
 * cache (in the system's temporary folder, warm after the set-up commands, as on a user's machine).
 */
function entryFor(bundle, dir, kind = ENTRY) {
  if (kind === "bundle") return { cmd: process.execPath, args: [bundle], node: true };
  if (kind === "binary") {
    return { cmd: path.join(root, "dist", `smtpilot-${process.platform}-${process.arch}`), args: [], node: false };
  }
  if (kind !== "package") throw new Error(`BENCH_ENTRY must be package, binary or bundle, not ${kind}`);
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
  fs.cpSync(path.join(root, "bin"), path.join(dir, "bin"), { recursive: true });
  fs.copyFileSync(path.join(root, "package.json"), path.join(dir, "package.json"));
  fs.copyFileSync(bundle, path.join(dir, "dist/smtpilot.cjs"));
  return { cmd: process.execPath, args: [path.join(dir, "bin/smtpilot.mjs")], node: true };
}

function has(file) {
  return fs.existsSync(file);
}

/** Starts a child and resolves once `ready(stdoutSoFar)` returns a value. */
function startChild(cmd, args, ready, options = {}) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out = (out + d).slice(-4000);
      child.lastOut = out;
      const value = ready(out);
      if (value !== undefined) resolve({ child, value });
    });
    child.once("exit", (code) => reject(new Error(`${cmd} exited (${code}): ${err}`)));
    setTimeout(() => reject(new Error(`${cmd} did not start: ${err}`)), 10_000).unref();
  });
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const N = Number(process.env.BENCH_MESSAGES ?? 5000);
  const RUNS = Number(process.env.BENCH_RUNS ?? 3);
  const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,10").split(",").map(Number);
  const SINK = "/usr/sbin/smtp-sink";
  const SOURCE = "/usr/sbin/smtp-source";
  if (!has(SINK) || !has(SOURCE)) {
    console.log(`needs Postfix's ${SINK} and ${SOURCE} (apt-get install postfix)`);
    process.exit(1);
  }
  const bundle = bundleFile();
  if (!process.env.BENCH_BUNDLE) {
    spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit", cwd: root });
  }
  if (ENTRY === "binary") {
    const built = spawnSync(process.execPath, [path.join(root, "scripts/build/binary.mjs")], {
      stdio: "inherit",
      cwd: root,
    });
    if (built.status !== 0) throw new Error("npm run build:binary failed");
  }
  const { default: nodemailer } = await import("nodemailer");
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer");

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bench-scale-"));
  const children = [];
  const cleanup = () => {
    for (const c of children) c.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));

  // --- The sink, and the TLS front before it -------------------------------------------------
  const sinkPort = await freePort();
  const asRoot = process.getuid?.() === 0;
  // -c: running counters (sessions, messages) on stdout, which tell how many messages arrived.
  const sinkArgs = [...(asRoot ? ["-u", "nobody"] : []), "-c", `127.0.0.1:${sinkPort}`, "1024"];
  // Its counters go to a file: a pipe left undrained while a tool runs synchronously would stall it.
  const sinkLog = path.join(dir, "sink.log");
  const sink = spawn(SINK, sinkArgs, { stdio: ["ignore", fs.openSync(sinkLog, "w"), "inherit"] });
  children.push(sink);
  await waitForPort(sinkPort);
  const sinkCount = () => {
    const text = fs.readFileSync(sinkLog, "latin1");
    return Number([...text.slice(-400).matchAll(/mesg=(\d+)/g)].at(-1)?.[1] ?? 0);
  };

  const files = await writeBenchCerts(dir);
  const front = await startChild(
    process.execPath,
    [self, "--tls-front", files.cert, files.key, String(sinkPort)],
    (o) => {
      const m = /\{"port":(\d+)\}/.exec(o);
      return m ? Number(m[1]) : undefined;
    },
  );
  children.push(front.child);
  const tlsPort = front.value;

  // --- The message: the same fields for every tool --------------------------------------------
  const from = "bench@bench.smtpilot.test";
  const subject = "Scale benchmark";
  // Lines under 76 characters: 7bit, no quoted-printable, as most application mail.
  const line = "The quick brown fox jumps over the lazy dog, twice.";
  const text = Array.from({ length: 32 }, (_, i) => `${String(i).padStart(2, "0")} ${line}`).join("\n") + "\n";
  const recipient = (i) => `r${i}@bench.smtpilot.test`;
  const composed = await new MailComposer({
    from,
    to: recipient(0),
    subject,
    text,
    messageId: "<bench@bench.smtpilot.test>",
  }).compile().build();
  // smtp-source appends CRLF to each line itself: give it LF lines.
  const messageFile = path.join(dir, "message.txt");
  fs.writeFileSync(messageFile, composed.toString("latin1").replace(/\r\n/g, "\n"));
  // The Node floor sends the composed message as it is on the wire (CRLF, ending in CRLF; no line starts with a dot).
  const wireFile = path.join(dir, "wire.txt");
  fs.writeFileSync(wireFile, composed.toString("latin1").replace(/\r?\n?$/, "\r\n"), "latin1");
  const bodyFile = path.join(dir, "body.txt");
  fs.writeFileSync(bodyFile, text);

  // --- smtpilot's memory folder: profile, raised batch limit, a verified canary -------------------
  const home = path.join(dir, "home");
  const env = { ...process.env, BENCH_PW: "bench-password" };
  const entry = entryFor(bundle, path.join(dir, "package"));
  const cli = (args, timed = false, how = entry, wrap = false) => {
    const node = args.filter((a) => a.startsWith("--cpu-prof"));
    const rest = args.filter((a) => !a.startsWith("--cpu-prof"));
    // The binary takes Node's flags from NODE_OPTIONS.
    const flags = how.node ? node : [];
    const runEnv = how.node || node.length === 0 ? env : { ...env, NODE_OPTIONS: node.join(" ") };
    const [cmd, argv] = wrapped(wrap, how.cmd, [...flags, ...how.args, "--home", home, ...rest], "smtpilot");
    return run(cmd, argv, { env: runEnv, encoding: "utf8" }, timed);
  };
  // BENCH_CPU_PROF=DIR: each smtpilot send writes a V8 CPU profile there (open in Chrome DevTools).
  const profileFlags = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
    : [];
  const must = (args) => {
    const r = cli(args);
    if (r.status !== 0) throw new Error(`smtpilot ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
    return r;
  };
  const message = ["--subject", subject, "--text-file", bodyFile];
  const noDns = ["--resolver", "127.0.0.1:9"];
  must(["init"]);
  must([
    "profile",
    "add",
    "bench",
    "--provider",
    "custom",
    "--host",
    "127.0.0.1",
    "--port",
    String(tlsPort),
    "--tls",
    "implicit",
    "--ca",
    files.ca,
    "--user",
    "bench",
    "--secret",
    "env:BENCH_PW",
    "--from",
    from,
  ]);
  const memoryFile = path.join(home, "memory.md");
  fs.writeFileSync(
    memoryFile,
    fs.readFileSync(memoryFile, "utf8").replace(/maxRecipientsPerBatch: \d+/, "maxRecipientsPerBatch: 1000000"),
  );
  must(["canary", "add", "canary@bench.smtpilot.test"]);
  const canaryArgs = ["--profile", "bench", "--to", "canary@bench.smtpilot.test", ...message, ...noDns];
  const canaryPlan = JSON.parse(must(["preflight", ...canaryArgs, "--json"]).stdout);
  must(["send", "--canary", ...canaryArgs, "--confirm", canaryPlan.plan.token]);
  // smtp-sink keeps nothing to look at: the placement is stated, the documented way — by a person
  // at a terminal, so on a pseudo-terminal (util-linux `script`) typing the code it asks for.
  await stateCanaryInbox(entry.cmd, entry.args, home, "benchmark sink");
  const list = path.join(dir, "list.txt");
  fs.writeFileSync(list, Array.from({ length: N }, (_, i) => recipient(i)).join("\n") + "\n");

  const baseline = process.env.BENCH_BASELINE
    ? entryFor(
      path.resolve(process.env.BENCH_BASELINE),
      path.join(dir, "baseline"),
      ENTRY === "bundle" ? "bundle" : "package",
    )
    : undefined;
  // One send of a one-recipient list: what a send costs before its first message (start-up, gates).
  const oneList = path.join(dir, "one.txt");
  fs.writeFileSync(oneList, `${recipient(0)}\n`);
  // Ten connections, as the 10-connection runs open: each session's TLS and login is start-up too.
  const startup = (c, how = entry) => {
    fs.rmSync(path.join(home, "journal"), { recursive: true, force: true });
    const listArgs = ["--profile", "bench", "--to-list", oneList, ...message, ...noDns];
    const plan = JSON.parse(must(["preflight", ...listArgs, "--json"]).stdout);
    const t0 = performance.now();
    const r = cli(
      ["send", ...listArgs, "--confirm", plan.plan.token, "--rate", "none", "--connections", String(c), "--json"],
      true,
      how,
    );
    if (r.status !== 0) throw new Error(`smtpilot send of one recipient failed (${r.status}): ${r.stderr}`);
    return { wall: (performance.now() - t0) / 1000, cpu: r.cpu };
  };
  const connectionCounts = (process.env.BENCH_CONNECTIONS ?? "1,10").split(",").map(Number);
  const startupsOf = (how) =>
    new Map(connectionCounts.map((c) => [c, [startup(c, how), startup(c, how), startup(c, how)]]));
  const startups = new Map([[entry, startupsOf(entry)], ...(baseline ? [[baseline, startupsOf(baseline)]] : [])]);
  const startupOf = (how, c, key) => median(startups.get(how).get(c).map((r) => r[key]));
  const smtpilotStartup = TIME ? (how, c) => startupOf(how, c, "cpu") : undefined;

  // --- One run of each tool ------------------------------------------------------------------------
  const counted = (what, go) => async (c) => {
    const before = sinkCount();
    const frontBefore = processCpu(front.child.pid);
    const sinkBefore = processCpu(sink.pid);
    const r = await go(c);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const arrived = sinkCount() - before;
    if (arrived < N) throw new Error(`${what} with ${c} connection(s): the sink counted ${arrived} of ${N} messages`);
    const frontAfter = processCpu(front.child.pid);
    const sinkAfter = processCpu(sink.pid);
    return {
      ...r,
      ...(frontBefore !== undefined && frontAfter !== undefined ? { front: frontAfter - frontBefore } : {}),
      ...(sinkBefore !== undefined && sinkAfter !== undefined ? { sink: sinkAfter - sinkBefore } : {}),
    };
  };
  const tools = {
    "smtp-source": counted("smtp-source", (c) => {
      const t0 = performance.now();
      const r = run(
        SOURCE,
        [
          "-s",
          String(c),
          "-d",
          "-m",
          String(N),
          "-F",
          messageFile,
          "-f",
          from,
          "-t",
          recipient(0),
          `127.0.0.1:${sinkPort}`,
        ],
        {},
        true,
      );
      if (r.status !== 0) throw new Error(`smtp-source failed: ${r.stderr}`);
      return { seconds: (performance.now() - t0) / 1000, cpu: r.cpu };
    }),
    "nodemailer plain": counted("nodemailer plain", (c) => nodemailerRun(c, { port: sinkPort, secure: false })),
    "nodemailer TLS+AUTH": counted("nodemailer TLS+AUTH", (c) =>
      nodemailerRun(c, {
        port: tlsPort,
        secure: true,
        tls: { ca: files.caPem, servername: "localhost" },
        auth: { user: "bench", pass: "bench-password" },
      })),
    "Node floor TLS+AUTH": counted("Node floor", (c) => {
      const t0 = performance.now();
      const args = [
        ...profileFlags,
        self,
        "--tls-floor",
        String(tlsPort),
        files.ca,
        wireFile,
        String(N),
        String(c),
        from,
      ];
      const r = run(...wrapped(true, process.execPath, args, "floor"), { encoding: "utf8" }, true);
      const wall = (performance.now() - t0) / 1000;
      if (r.status !== 0 || JSON.parse(r.stdout || "{}").accepted !== N) {
        throw new Error(`the Node floor failed (${r.status}): ${r.stdout} ${r.stderr}`);
      }
      return { seconds: wall, wall, cpu: r.cpu };
    }),
    "smtpilot TLS+AUTH": counted("smtpilot", (c) => smtpilotRun(c, entry)),
    // BENCH_BASELINE=FILE: another build (say, of the previous commit) interleaved in the same runs.
    ...(baseline ? { "smtpilot baseline": counted("smtpilot baseline", (c) => smtpilotRun(c, baseline)) } : {}),
  };

  /** One timed `smtpilot send --to-list` of the whole list started by `how`, after its preflight. */
  function smtpilotRun(c, how) {
    fs.rmSync(path.join(home, "journal"), { recursive: true, force: true });
    const listArgs = ["--profile", "bench", "--to-list", list, ...message, ...noDns];
    const plan = JSON.parse(must(["preflight", ...listArgs, "--json"]).stdout);
    const t0 = performance.now();
    const r = cli(
      [
        ...profileFlags,
        "send",
        ...listArgs,
        "--confirm",
        plan.plan.token,
        "--rate",
        "none",
        "--connections",
        String(c),
        "--json",
      ],
      true,
      how,
      true,
    );
    const wall = (performance.now() - t0) / 1000;
    const doc = JSON.parse(r.stdout || "{}");
    if (r.status !== 0 || doc.accepted !== N) {
      throw new Error(`smtpilot send failed (${r.status}, accepted ${doc.accepted}): ${r.stderr}`);
    }
    return {
      seconds: doc.seconds,
      wall,
      ...(r.cpu !== undefined && smtpilotStartup !== undefined ? { cpu: r.cpu - smtpilotStartup(how, c) } : {}),
    };
  }

  async function nodemailerRun(c, options) {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      pool: true,
      maxConnections: c,
      maxMessages: Infinity,
      ...options,
    });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: N }, (_, i) => transport.sendMail({ from, to: recipient(i), subject, text })),
    );
    const seconds = (performance.now() - t0) / 1000;
    const { user, system } = process.cpuUsage(cpu0);
    transport.close();
    return { seconds, cpu: (user + system) / 1e6 };
  }

  // BENCH_TOOLS=smtp-source,smtpilot: only the tools whose names start with one of these.
  if (process.env.BENCH_TOOLS) {
    const wanted = process.env.BENCH_TOOLS.split(",");
    for (const name of Object.keys(tools)) if (!wanted.some((w) => name.startsWith(w))) delete tools[name];
  }
  const loadNow = () => os.loadavg().map((l) => l.toFixed(2)).join(", ");
  const load0 = loadNow();
  console.log(
    `${N} messages of ${composed.length} bytes to smtp-sink on 127.0.0.1 (TLS front for TLS+AUTH), ` +
      `median of ${RUNS} run(s); messages/second; smtpilot started as ${
        ENTRY === "package"
          ? "the npm package (compile cache on)"
          : ENTRY === "binary"
          ? "the single binary"
          : "the bundle by plain node (no cache)"
      }`,
  );
  const results = {};
  for (const c of CONNECTIONS) {
    for (const name of Object.keys(tools)) results[`${name}/${c}`] = [];
    // Interleaved, so a busy moment on the machine does not land on one tool only.
    for (let run = 0; run < RUNS; run++) {
      for (const [name, go] of Object.entries(tools)) {
        process.stderr.write(`  ${name}, ${c} connection(s), run ${run + 1}…\r`);
        results[`${name}/${c}`].push(await go(c));
      }
    }
  }

  const rate = (rs, key = "seconds") => Math.round(N / median(rs.map((r) => r[key])));
  const pilotName = "smtpilot TLS+AUTH";
  const ratios = [
    // The figure a user sees: the whole command, start-up, list, gates and journal included.
    ["vs smtp-source incl. start-up", pilotName, "smtp-source", "wall"],
    ["vs smtp-source (send only)", pilotName, "smtp-source", "seconds"],
    ["vs nodemailer TLS", pilotName, "nodemailer TLS+AUTH", "seconds"],
    // What any Node client on the same TLS + AUTH path reaches, start-up included, and smtpilot against it.
    ["Node floor vs smtp-source", "Node floor TLS+AUTH", "smtp-source", "wall"],
    ["vs Node floor incl. start-up", pilotName, "Node floor TLS+AUTH", "wall"],
    ["baseline vs smtp-source incl. start-up", "smtpilot baseline", "smtp-source", "wall"],
    ["baseline vs smtp-source (send only)", "smtpilot baseline", "smtp-source", "seconds"],
  ].filter(([, subject, anchor]) => anchor in tools && subject in tools);
  const header = [
    "connections",
    ...Object.keys(tools),
    ...(pilotName in tools ? ["smtpilot incl. start-up"] : []),
    ...ratios.map(([title]) => title),
  ];
  const rows = CONNECTIONS.map((c) => {
    const r = (name, key = "seconds") => rate(results[`${name}/${c}`], key);
    return [
      String(c),
      ...Object.keys(tools).map((name) => String(r(name))),
      ...(pilotName in tools ? [String(r(pilotName, "wall"))] : []),
      ...ratios.map(([, subject, anchor, key]) => `${(r(subject, key) / r(anchor)).toFixed(2)}x`),
    ];
  });
  process.stderr.write(`${" ".repeat(60)}\r`); // the progress line, cleared
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (cells) => `| ${cells.map((cell, i) => cell.padStart(widths[i])).join(" | ")} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 1) + ":").join("|")}|`);
  for (const row of rows) console.log(fmt(row));
  console.log(
    "Target (issue #21): smtpilot at 10 connections at least 0.75x smtp-source, start-up included; " +
      "above nodemailer over the same TLS+AUTH path.",
  );
  console.log(`Load average (1, 5, 15 min) at the start: ${load0}; at the end: ${loadNow()}`);

  // Start-up of a send: what a one-recipient list costs, as the user runs it.
  const startupLine = (how) =>
    connectionCounts.map((c) =>
      `${c} connection(s) ${Math.round(startupOf(how, c, "wall") * 1000)} ms wall` +
      (TIME ? `, ${Math.round(startupOf(how, c, "cpu") * 1000)} ms CPU` : "")
    ).join("; ");
  console.log(`\nStart-up of a send (a one-recipient list, median of 3, ${ENTRY}): ${startupLine(entry)}`);
  if (baseline) console.log(`Start-up of the baseline's send: ${startupLine(baseline)}`);

  // CPU per message: the client's own, the TLS front's for the tools behind it, and the sink's.
  const perMessage = (rs, key) => {
    const values = rs.map((r) => r[key]).filter((v) => v !== undefined);
    return values.length ? `${Math.round((median(values) * 1e6) / N)}` : "-";
  };
  const behindFront = (name) => name.includes("TLS") || name.includes("baseline");
  const cpuHeader = [
    "connections",
    ...Object.keys(tools).map((name) => (behindFront(name) ? `${name} (+front, +sink)` : `${name} (+sink)`)),
  ];
  const cpuRows = CONNECTIONS.map((c) => [
    String(c),
    ...Object.keys(tools).map((name) => {
      const rs = results[`${name}/${c}`];
      const sinkCpu = perMessage(rs, "sink");
      return behindFront(name)
        ? `${perMessage(rs, "cpu")} (+${perMessage(rs, "front")}, +${sinkCpu})`
        : `${perMessage(rs, "cpu")} (+${sinkCpu})`;
    }),
  ]);
  const cw = cpuHeader.map((h, i) => Math.max(h.length, ...cpuRows.map((row) => row[i].length)));
  const cfmt = (cells) => `| ${cells.map((cell, i) => cell.padStart(cw[i])).join(" | ")} |`;
  console.log(
    `\nCPU microseconds per message, user + system, median (smtpilot: its one-recipient send's CPU at ` +
      `the same connections subtracted, the start-up above):`,
  );
  console.log(cfmt(cpuHeader));
  console.log(`|${cw.map((w) => "-".repeat(w + 1) + ":").join("|")}|`);
  for (const row of cpuRows) console.log(cfmt(row));
  process.exit(0);
}

// Dispatch last: every helper above is initialised by now.
if (process.argv[2] === "--tls-front") tlsFront(process.argv.slice(3));
else if (process.argv[2] === "--tls-floor") tlsFloor(process.argv.slice(3));
else await main();
