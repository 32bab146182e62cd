#!/usr/bin/env -S node --import tsx
/**
 * Benchmark of `smtpilot domain` over many domains, against a real Knot
 * serving 100 sender domains (each with SPF through a shared provider's
 * include chain, the provider's MX hosts, DKIM, DMARC, MTA-STS, TLS-RPT),
 * with the counting forwarder in front. Prints figures side by side;
 * asserts nothing.
 *
 *  - one process per domain (`smtpilot domain D`, the bundled build), the
 *    way checkdmarc is run per domain — checkdmarc itself comes from PyPI,
 *    which is not reachable here, so it is not in the table;
 *  - one batch run (`smtpilot domain --from-file LIST`) at the default
 *    concurrency, and the DNS queries each way put on the wire;
 *  - the anchor bench:domain uses, pyspf's spfquery, one process per domain
 *    (SPF only: the smallest part of the audit) when spf-tools-python is installed.
 *
 * Twice: with loopback answers (Knot on 127.0.0.1, ~0 ms), and with every
 * query held 20 ms in the forwarder, a stand-in for a real resolver's round
 * trip, where running audits side by side matters most.
 *
 * Run: npm run bench:domain-batch   (BENCH_DOMAINS=N for another count)
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { knotMissing, type KnotZone, startKnot } from "../peers/knot/knot.ts";
import { startQueryLog } from "../peers/knot/query-log.ts";
import { fmt, median, run } from "./domain-common.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const count = Number(process.env.BENCH_DOMAINS ?? 100);
const PYTHON = "/usr/bin/python3";
const PYSPF = "/usr/bin/spfquery.pyspf";
const SOA = "$TTL 300\n@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n@ IN NS ns.bench.test.\n";

/** The provider every domain sends through, and `count` customer domains. */
function zones(n: number): { zones: KnotZone[]; domains: string[] } {
  const provider = `${SOA}_spf IN TXT "v=spf1 include:_a._spf.provider.test include:_b._spf.provider.test -all"
_a._spf IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
_b._spf IN TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all"
mx1 IN A 192.0.2.10
mx2 IN A 192.0.2.11
mx2 IN AAAA 2001:db8::11
`;
  const spki = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "der", type: "spki" });
  const b64 = spki.toString("base64");
  const key = `( "v=DKIM1; k=rsa; p=${b64.slice(0, 200)}" "${b64.slice(200)}" )`;
  const domains = Array.from({ length: n }, (_, i) => `c${String(i).padStart(3, "0")}.test`);
  return {
    domains,
    zones: [
      { name: "test", text: SOA },
      { name: "provider.test", text: provider },
      ...domains.map((d, i) => ({
        name: d,
        text: `${SOA}@ IN TXT "v=spf1 include:_spf.provider.test ip4:203.0.113.${i % 250} -all"
@ IN MX 10 mx1.provider.test.
@ IN MX 20 mx2.provider.test.
@ IN A 203.0.113.${i % 250}
s1._domainkey IN TXT ${key}
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${d}"
_mta-sts IN TXT "v=STSv1; id=2026"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@${d}"
`,
      })),
    ],
  };
}

const missing = knotMissing();
if (missing) {
  console.log(`Knot DNS is needed for this benchmark: ${missing}`);
  process.exit(1);
}
spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit" });
const { zones: all, domains } = zones(count);
const knot = await startKnot(all);
const dir = mkdtempSync(path.join(os.tmpdir(), "smtpilot-bench-"));
const list = path.join(dir, "domains.txt");
writeFileSync(list, `${domains.join("\n")}\n`);
try {
  for (const delayMs of [0, 20]) {
    const wire = await startQueryLog(knot.port, { delayMs });
    const audit = ["domain", "--selector", "s1", "--resolver", wire.resolver, "--json"];
    // One process per domain, as checkdmarc runs.
    wire.reset();
    const single: number[] = [];
    const t0 = performance.now();
    for (const d of domains) single.push((await run(process.execPath, [bundle, ...audit, d])).ms);
    const perProcessTotal = performance.now() - t0;
    const perProcessQueries = wire.questions().length;
    // One batch.
    wire.reset();
    const batch = await run(process.execPath, [bundle, ...audit, "--from-file", list]);
    const lines = batch.stdout.split("\n").filter((l) => l !== "").length;
    const batchQueries = wire.questions().length;
    // The anchor: pyspf, one process per domain, SPF only.
    let anchor: number | undefined;
    if (existsSync(PYSPF)) {
      const t1 = performance.now();
      for (const d of domains) {
        const script =
          `import DNS,sys,runpy\nDNS.defaults['server']=['127.0.0.1'];DNS.defaults['port']=${wire.port}\nsys.argv=['spfquery','--ip=192.0.2.25','--sender=postmaster@${d}','--helo=${d}']\nrunpy.run_path('${PYSPF}',run_name='__main__')`;
        await run(PYTHON, ["-c", script]);
      }
      anchor = performance.now() - t1;
    }
    await wire.close();
    const one = median(single);
    console.log(`\n${count} domains, DNS answers ${delayMs === 0 ? "on loopback (~0 ms)" : `held ${delayMs} ms each`}`);
    console.log(`   one domain, one process (median)           ${fmt(one)}`);
    console.log(
      `   ${count} domains, one process each (total)     ${fmt(perProcessTotal)}   ${perProcessQueries} queries`,
    );
    console.log(
      `   ${count} domains, one batch run                ${
        fmt(batch.ms)
      }   ${batchQueries} queries, ${lines} documents, exit ${batch.code}`,
    );
    console.log(
      `   batch / (${count} x one domain)                   ${(batch.ms / (count * one)).toFixed(3)}   (${
        (count * one / batch.ms).toFixed(1)
      }x faster; ${(batch.ms / count).toFixed(1)} ms a domain)`,
    );
    if (anchor !== undefined) {
      console.log(
        `   anchor: pyspf spfquery, one process each  ${fmt(anchor)}   (SPF only; ${
          (anchor / count).toFixed(1)
        } ms a domain)`,
      );
    } else {
      console.log("   anchor: pyspf not installed (apt-get install spf-tools-python)");
    }
  }
  console.log("\n   checkdmarc cannot be installed here (it comes from PyPI, which is not reachable): compare its");
  console.log("   one-process-per-domain cost with the 'one process each' rows, smtpilot run the same way.");
} finally {
  rmSync(dir, { recursive: true, force: true });
  await knot.stop();
}
