#!/usr/bin/env -S node --import tsx
/**
 * Benchmark of `smtpilot domain` against a real authoritative DNS server
 * (the Knot peer, scripts/peers/knot/) with a counting forwarder in front,
 * all in one run. Prints figures side by side; asserts nothing.
 *
 *  1. A full audit of bench.test (an SPF include tree five records deep
 *     using all 10 lookups, DKIM, DMARC, MX, PTR, MTA-STS, TLS-RPT, BIMI):
 *     wall time, DNS queries on the wire next to the distinct ones and the
 *     minimum the RFCs require for the same checks.
 *  2. SPF evaluation of the same sender and IPs by smtpilot, pyspf
 *     (spf-tools-python) and Mail::SPF (spf-tools-perl): in-process time per
 *     evaluation, one-shot command time, queries made and results compared.
 *
 * Run: npm run bench:domain   (BENCH_RUNS=N to change the sample count)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cachedDns, systemDns } from "../../core/domain/dns.ts";
import { checkSpf } from "../../core/domain/spf-check.ts";
import { knotMissing, startKnotPeer } from "../peers/knot/peer.ts";
import { startQueryLog } from "../peers/knot/query-log.ts";
import { fmt, median, run } from "./domain-common.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const runs = Number(process.env.BENCH_RUNS ?? 7);
const PYTHON = "/usr/bin/python3";
const PYSPF = "/usr/bin/spfquery.pyspf";
const PERLSPF = "/usr/bin/spfquery.mail-spf-perl";
const SENDER = "a@bench.test";
const HELO = "mail.bench.test";
const IPS = [
  { ip: "198.51.100.50", what: "pass, 5 includes deep" },
  { ip: "203.0.113.99", what: "fail, all 10 lookups" },
];

/** What the RFCs require for the audit of bench.test with --ip 198.51.100.50 --selector s1. */
const MINIMUM = [
  ...["bench.test", "l1", "l11", "l111", "l1111", "l2", "l21", "l22"].map((n) =>
    `TXT ${n === "bench.test" ? n : `${n}.bench.test`}`
  ),
  "A bench.test", // SPF a
  "MX bench.test", // SPF mx, and the MX check
  "A mx.bench.test", // SPF mx host, and the MX host's address
  "AAAA mx.bench.test", // the MX host's IPv6 address (RFC 5321 §5.1 looks up both)
  "A mail.bench.test", // SPF a:mail.bench.test
  "TXT _dmarc.bench.test",
  "TXT s1._domainkey.bench.test",
  "PTR 50.100.51.198.in-addr.arpa",
  "A out.bench.test", // forward confirmation of the PTR name
  "TXT _mta-sts.bench.test",
  "TXT _smtp._tls.bench.test",
  "TXT default._bimi.bench.test",
];

const missing = knotMissing();
if (missing) {
  console.log(`Knot DNS is needed for this benchmark: ${missing}`);
  process.exit(1);
}
spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit" });
const peer = await startKnotPeer();
const wire = await startQueryLog(peer.port);
try {
  // 1. Full audit.
  const auditArgs = [bundle, "domain", "bench.test", "--ip", "198.51.100.50", "--sender", SENDER, "--helo", HELO];
  auditArgs.push("--selector", "s1", "--resolver", wire.resolver, "--json");
  const walls: number[] = [];
  const inner: number[] = [];
  let onWire = 0;
  let repeats = 0;
  let distinct: string[] = [];
  let exit = 0;
  for (let i = 0; i < runs; i++) {
    wire.reset();
    const r = await run(process.execPath, auditArgs);
    walls.push(r.ms);
    inner.push((JSON.parse(r.stdout) as { dns: { ms: number } }).dns.ms);
    onWire = wire.questions().length;
    repeats = wire.repeats().size;
    distinct = [...new Set(wire.questions().map((q) => `${q.type} ${q.name}`))];
    exit = r.code;
  }
  const extra = distinct.filter((k) => !MINIMUM.includes(k));
  const lacking = MINIMUM.filter((k) => !distinct.includes(k));
  console.log(
    `\n1. Full audit of bench.test (10-lookup include tree, 5 records deep), median of ${runs}, exit ${exit}`,
  );
  console.log(`   wall time (process, bundled build)   ${fmt(median(walls))}`);
  console.log(`   audit time (inside the process)      ${fmt(median(inner))}`);
  console.log(`   DNS queries on the wire              ${onWire}  (asked twice: ${repeats})`);
  console.log(`   distinct (name, type) asked          ${distinct.length}`);
  console.log(`   minimum the RFCs require             ${MINIMUM.length}`);
  if (extra.length) console.log(`   beyond the minimum (extra checks)    ${extra.join(", ")}`);
  if (lacking.length) console.log(`   minimum not asked                    ${lacking.join(", ")}`);

  // 2. SPF evaluation.
  const iterations = Math.max(runs * 3, 15);
  const py = (ip: string) =>
    `import DNS,spf,time,json\nDNS.defaults['server']=['127.0.0.1'];DNS.defaults['port']=${wire.port}\nts=[]\nfor _ in range(${iterations}):\n  t=time.perf_counter();r=spf.check2(i='${ip}',s='${SENDER}',h='${HELO}');ts.append((time.perf_counter()-t)*1000)\nprint(json.dumps({'result':r[0],'ms':ts}))`;
  const pl = (ip: string) =>
    `use Mail::SPF;use Net::DNS;use Time::HiRes qw(time);my @t;my $c;for(1..${iterations}){my $r=Net::DNS::Resolver->new(nameservers=>['127.0.0.1'],port=>${wire.port});my $s=Mail::SPF::Server->new(dns_resolver=>$r);my $t0=time;my $q=Mail::SPF::Request->new(scope=>'mfrom',identity=>'${SENDER}',ip_address=>'${ip}',helo_identity=>'${HELO}');$c=$s->process($q)->code;push @t,(time-$t0)*1000}print '{"result":"'.$c.'","ms":['.join(',',@t).']}';`;
  const env = { ...process.env, RES_NAMESERVERS: "127.0.0.1", RES_OPTIONS: `port:${wire.port}` };
  const hasPy = existsSync(PYSPF);
  const hasPerl = existsSync(PERLSPF);
  console.log(
    `\n2. SPF evaluation of ${SENDER} (HELO ${HELO}); in-process median of ${iterations}, commands median of ${runs}`,
  );
  const header = ["", "result", "per evaluation", "queries", "one command"];
  console.log(`   ${header[0]?.padEnd(34)}${header.slice(1).map((h) => h.padStart(15)).join("")}`);
  for (const { ip, what } of IPS) {
    const rows: [string, string, number, number, number][] = [];
    // smtpilot in-process: a fresh resolver and cache per evaluation.
    const times: number[] = [];
    let result = "";
    wire.reset();
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      result =
        (await checkSpf({ ip, sender: SENDER, helo: HELO }, { dns: cachedDns(systemDns(wire.resolver)) })).result;
      times.push(performance.now() - t0);
    }
    const q = wire.questions().length / iterations;
    const cmd = [];
    for (let i = 0; i < runs; i++) {
      const r = await run(process.execPath, [
        bundle,
        "domain",
        "bench.test",
        "--only",
        "spf",
        "--ip",
        ip,
        "--sender",
        SENDER,
        "--helo",
        HELO,
        "--resolver",
        wire.resolver,
        "--json",
      ]);
      cmd.push(r.ms);
    }
    rows.push(["smtpilot", result, median(times), q, median(cmd)]);
    if (hasPy) {
      wire.reset();
      const r = JSON.parse((await run(PYTHON, ["-c", py(ip)])).stdout) as { result: string; ms: number[] };
      const pq = wire.questions().length / iterations;
      const c: number[] = [];
      for (let i = 0; i < runs; i++) {
        const script =
          `import DNS,sys,runpy\nDNS.defaults['server']=['127.0.0.1'];DNS.defaults['port']=${wire.port}\nsys.argv=['spfquery','--ip=${ip}','--sender=${SENDER}','--helo=${HELO}']\nrunpy.run_path('${PYSPF}',run_name='__main__')`;
        c.push((await run(PYTHON, ["-c", script])).ms);
      }
      rows.push(["pyspf (spfquery.pyspf)", r.result, median(r.ms), pq, median(c)]);
    }
    if (hasPerl) {
      wire.reset();
      const r = JSON.parse((await run("perl", ["-e", pl(ip)])).stdout) as { result: string; ms: number[] };
      const pq = wire.questions().length / iterations;
      const c: number[] = [];
      for (let i = 0; i < runs; i++) {
        c.push(
          (await run(
            PERLSPF,
            ["--scope", "mfrom", "--identity", SENDER, "--ip-address", ip, "--helo-identity", HELO],
            env,
          )).ms,
        );
      }
      rows.push(["Mail::SPF (spfquery.mail-spf-perl)", r.result, median(r.ms), pq, median(c)]);
    }
    console.log(`   ${ip} (${what})`);
    for (const [name, res, per, queries, one] of rows) {
      console.log(
        `     ${name.padEnd(36)}${res.padStart(13)}${fmt(per).padStart(15)}${queries.toFixed(0).padStart(15)}${
          fmt(one).padStart(15)
        }`,
      );
    }
    const results = new Set(rows.map((r) => r[1]));
    console.log(`     results ${results.size === 1 ? "agree" : "DIFFER"}: ${[...results].join(", ")}`);
  }
  if (!hasPy || !hasPerl) {
    console.log("   (apt-get install spf-tools-python spf-tools-perl to compare with pyspf and Mail::SPF)");
  }
  console.log(
    "\n   per evaluation: smtpilot's checkSpf(), pyspf's spf.check2(), Mail::SPF's Server->process(), each with",
  );
  console.log(
    "   a fresh resolver and no cache carried over. one command: `smtpilot domain --only spf` (bundled build;",
  );
  console.log("   it also walks the whole include tree) next to spfquery.pyspf and spfquery.mail-spf-perl.");
} finally {
  await wire.close();
  await peer.stop();
}
