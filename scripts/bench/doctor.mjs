#!/usr/bin/env node
// Benchmark: wall time of the README's doctor case — `smtpilot doctor .env --fixture` on a Laravel
// .env with MAIL_PORT=587 and MAIL_ENCRYPTION=ssl (mismatch named, 587/465/25/2525 swept, the
// corrected path diagnosed with an auth probe, the two lines printed) — run as a user runs the
// bundle, start-up and the fixture's own start included. Printed next to its anchors, measured in
// the same run: the 5 s target, `smtpilot diagnose --fixture healthy-starttls` with the same login
// (start-up, the fixture and one full diagnosis: what the doctor cannot do without), and the sweep's
// per-step timeout (the wait a filtered port 25 costs). Each run's document is checked, so a fast
// wrong answer is not counted. Asserts nothing. Run: npm run bench:doctor
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const runs = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 5000;
const SWEEP_STEP_MS = 3000;

spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit" });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bench-doctor-"));
const env = path.join(dir, ".env");
fs.writeFileSync(
  env,
  "APP_NAME=Shop\nMAIL_MAILER=smtp\nMAIL_HOST=smtp.example.com\nMAIL_PORT=587\nMAIL_USERNAME=demo\n" +
    "MAIL_PASSWORD=smtpilot-demo-pass\nMAIL_ENCRYPTION=ssl\nMAIL_FROM_ADDRESS=shop@example.com\n",
);

/** One run: its wall time and its parsed document (stdout). */
function once(args, extraEnv = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bundle, ...args], {
    cwd: dir,
    env: { ...process.env, ...extraEnv },
    encoding: "utf8",
    timeout: 60_000,
  });
  const ms = performance.now() - t0;
  let doc;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    doc = undefined;
  }
  return { ms, status: r.status, doc };
}

/** The README's outcome, as the document says it. */
function doctorRight(r) {
  const d = r.doc;
  return r.status === 1 && d?.findings?.[0]?.code === "doctor.implicit-tls-on-starttls-port" &&
    d.path?.port === 587 && d.path?.tls === "starttls" && d.diagnosis?.verdict?.status === "pass" &&
    d.next?.lines?.length === 2 && !JSON.stringify(d).includes("smtpilot-demo-pass");
}

function median(list) {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const doctor = [];
const diagnose = [];
let wrong = 0;
// Interleaved, so a busy moment of the machine weighs on both alike.
for (let i = 0; i < runs; i++) {
  const d = once(["doctor", ".env", "--fixture", "--json"]);
  if (doctorRight(d)) doctor.push(d.ms);
  else wrong++;
  const g = once(
    ["diagnose", "--fixture", "healthy-starttls", "--user", "demo", "--secret", "env:BENCH_SECRET", "--json"],
    { BENCH_SECRET: "smtpilot-demo-pass" },
  );
  if (g.status === 0) diagnose.push(g.ms);
}
fs.rmSync(dir, { recursive: true, force: true });

const doc = median(doctor);
const diag = median(diagnose);
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`\nsmtpilot doctor, the README's Laravel case against the fixture (bundle, median of ${runs}):`);
console.log(
  `  doctor .env --fixture              ${doctor.length ? fmt(doc) : "—"}${
    wrong ? `  (${wrong} wrong answers not counted)` : ""
  }`,
);
console.log(`  anchor: the target                 ${fmt(TARGET_MS)}    doctor = ${(doc / TARGET_MS).toFixed(2)}x`);
console.log(
  `  anchor: diagnose --fixture (auth)  ${diagnose.length ? fmt(diag) : "—"}    doctor = ${(doc / diag).toFixed(2)}x`,
);
console.log(
  `  anchor: one sweep step (port 25)   ${fmt(SWEEP_STEP_MS)}    doctor - step = ${fmt(doc - SWEEP_STEP_MS)}`,
);
console.log(`  load average: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
