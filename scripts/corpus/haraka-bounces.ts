/**
 * Generates real Haraka bounces for the bounce corpus
 * (test/data/bounces/haraka/). Haraka (npm, installed privately by
 * scripts/peers/haraka/fetch.sh, not a dependency of the project) runs from a
 * configuration folder written here with one plugin of ours
 * (scripts/peers/haraka/corpus_route.js): local clients relay, and outbound
 * mail goes to the rig's loopback addresses (scripts/corpus/harness.ts),
 * so the scripted receiver refuses each scenario at its stage and Haraka's
 * outbound writes the bounce. Temporary failures are not retried
 * (temp_fail_intervals=none), so a closed port comes back at once.
 *
 * Run:
 *   npx tsx scripts/corpus/haraka-bounces.ts [OUT_DIR]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { collectRigBounces } from "./collect.ts";
import { expecting, routes, type Scenario, scenarios, selected, startRig } from "./harness.ts";

const _ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const _LISTEN = "127.0.0.7";

/** Haraka's package folder, installed on first use (scripts/peers/haraka/fetch.sh). */
function _haraka(): string {
  const prefix = execFileSync(path.join(_ROOT, "scripts/peers/haraka/fetch.sh"), { encoding: "utf8" }).trim();
  return path.join(prefix, "node_modules/haraka");
}

/** Where Haraka's bounce says something else than the receiver's refusal (none known yet). */
const _SAYS: Record<string, Record<string, string>> = {};

function _extra(): Scenario[] {
  return [{
    name: "connection-refused",
    from: "app@sender.test",
    to: ["someone@closed.rcpt.test"],
    subject: "closed port",
    expect: { "someone@closed.rcpt.test": "networkerror" },
  }];
}

function _configure(dir: string, port: number, haraka: string): void {
  const config = path.join(dir, "config");
  fs.mkdirSync(path.join(dir, "plugins"), { recursive: true });
  fs.mkdirSync(config, { recursive: true });
  fs.copyFileSync(path.join(_ROOT, "scripts/peers/haraka/corpus_route.js"), path.join(dir, "plugins/corpus_route.js"));
  // Haraka reads its defaults from the files its installer copies: start from those.
  const defaults = path.join(haraka, "config");
  for (const f of fs.readdirSync(defaults).filter((f) => f === "connection.ini" || f.startsWith("outbound.bounce"))) {
    fs.copyFileSync(path.join(defaults, f), path.join(config, f));
  }
  fs.writeFileSync(path.join(config, "plugins"), "corpus_route\n");
  fs.writeFileSync(path.join(config, "smtp.ini"), `[main]\nlisten=${_LISTEN}:${port}\nnodes=0\n`);
  fs.writeFileSync(path.join(config, "me"), "mta.haraka.test\n");
  fs.writeFileSync(path.join(config, "host_list"), "\n");
  fs.writeFileSync(path.join(config, "log.ini"), "[main]\nlevel=info\n");
  fs.writeFileSync(path.join(config, "outbound.ini"), "temp_fail_intervals=none\nenable_tls=false\n");
  fs.writeFileSync(path.join(config, "tls.ini"), "[main]\n");
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(_ROOT, "test/data/bounces/haraka"));
  fs.mkdirSync(out, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-haraka-"));
  const rig = await startRig();
  let daemon: ChildProcess | undefined;
  try {
    const haraka = _haraka();
    _configure(dir, rig.port, haraka);
    daemon = spawn(process.execPath, [path.join(haraka, "bin/haraka"), "-c", dir], {
      env: { ...process.env, SMTPILOT_CORPUS_ROUTES: JSON.stringify(routes()), SMTPILOT_CORPUS_PORT: String(rig.port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    daemon.stdout?.on("data", (b: Buffer) => (log += b.toString()));
    daemon.stderr?.on("data", (b: Buffer) => (log += b.toString()));
    for (let i = 0; i < 100 && !/[Ll]istening on/.test(log); i++) await new Promise((r) => setTimeout(r, 200));
    await collectRigBounces(
      {
        family: "haraka",
        host: _LISTEN,
        port: rig.port,
        rig,
        out,
        timeoutMs: 30_000,
        log: () => log,
        summary: (replies) => replies.slice(-2, -1).join(" "),
      },
      selected([...scenarios(), ..._extra()]).map((s) => expecting(s, _SAYS)),
    );
  } finally {
    daemon?.kill("SIGTERM");
    await rig.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
