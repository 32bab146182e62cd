/**
 * smtpilot's stub resolver against small scripted DNS servers on loopback:
 * a truncated answer is asked again over TCP, a datagram with the wrong id
 * or question is ignored (spoofing), SERVFAIL moves on to the next server,
 * a closed port is ECONNREFUSED and a silent one ETIMEOUT, names a library
 * resolver refuses are asked as they are, and the AD/CD bits give secure
 * and bogus answers.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import { after, test } from "node:test";
import dnsPacket from "dns-packet";
import { systemDns } from "../../core/domain/dns.ts";
import { exchange } from "../../core/domain/dns-wire.ts";

type _Handler = (q: dnsPacket.Packet, tcp: boolean) => dnsPacket.Packet | Buffer | undefined;

const _servers: (() => Promise<void>)[] = [];
after(() => Promise.all(_servers.map((close) => close())));

/**
 * A UDP socket on a free loopback port with `tcp` listening on the same port,
 * trying another port while some other program holds the TCP side.
 */
async function _bindPair(tcp: net.Server): Promise<{ udp: dgram.Socket; port: number }> {
  for (let attempt = 1;; attempt++) {
    const sock = dgram.createSocket("udp4");
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
    const port = sock.address().port;
    const listening = await new Promise<boolean>((r) => {
      tcp.once("error", () => r(false));
      tcp.listen(port, "127.0.0.1", () => r(true));
    });
    if (listening) return { udp: sock, port };
    // The TCP side of this port is someone else's (a busy machine): a new UDP port, up to 50 times.
    await new Promise<void>((r) => sock.close(() => r()));
    if (attempt >= 50) throw new Error("no loopback port free for both UDP and TCP");
  }
}

/** A UDP+TCP server on one loopback port answering with `handler`. */
async function _server(handler: _Handler): Promise<{ port: number; asked: string[] }> {
  const asked: string[] = [];
  const reply = (msg: Buffer, tcp: boolean): Buffer | undefined => {
    const q = dnsPacket.decode(msg);
    asked.push(`${tcp ? "tcp" : "udp"} ${q.questions?.[0]?.type} ${q.questions?.[0]?.name} ${q.flags ?? 0}`);
    const out = handler(q, tcp);
    return out === undefined ? undefined : Buffer.isBuffer(out) ? out : dnsPacket.encode(out);
  };
  const open = new Set<net.Socket>();
  const tcp = net.createServer((c) => {
    open.add(c);
    c.on("close", () => open.delete(c));
    c.on("data", (d: Buffer) => {
      const out = reply(d.subarray(2), true);
      if (!out) return;
      const len = Buffer.alloc(2);
      len.writeUInt16BE(out.length);
      c.end(Buffer.concat([len, out]));
    });
  });
  const { udp, port } = await _bindPair(tcp);
  udp.on("message", (msg, rinfo) => {
    const out = reply(msg, false);
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });
  // A connection left open (a silent answer) would keep close() waiting for ever: end them all.
  _servers.push(() =>
    new Promise<void>((r) => {
      for (const c of open) c.destroy();
      tcp.close(() => udp.close(() => r()));
    })
  );
  return { port, asked };
}

const _RCODES: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 };

/** A response to `q`; `rcode` goes into the low four bits of the flags, where DNS carries it. */
const _response = (q: dnsPacket.Packet, extra: Partial<dnsPacket.Packet> & { rcode?: string }) =>
  ({
    type: "response",
    id: q.id,
    questions: q.questions,
    ...extra,
    flags: (extra.flags ?? 0) | (_RCODES[extra.rcode ?? "NOERROR"] ?? 0),
  }) as dnsPacket.Packet;

test("a truncated UDP answer is asked again over TCP", async () => {
  const s = await _server((q, tcp) =>
    tcp
      ? _response(q, { answers: [{ type: "TXT", name: "big.test", data: ["v=spf1 -all"] }] })
      : _response(q, { flags: dnsPacket.TRUNCATED_RESPONSE })
  );
  const r = await systemDns(`127.0.0.1:${s.port}`).query("big.test", "TXT");
  assert.deepEqual(r, { status: "ok", records: [["v=spf1 -all"]] });
  assert.deepEqual(s.asked.map((a) => a.split(" ")[0]), ["udp", "tcp"]);
});

test("a datagram with another id or question is ignored; the real answer is taken", async () => {
  const s = await _server((q) => {
    const forged = dnsPacket.encode(_response({ ...q, id: ((q.id ?? 0) + 1) % 65536 }, {
      answers: [{ type: "A", name: "x.test", data: "203.0.113.66" }],
    }));
    return Buffer.concat([forged.subarray(0, 0), forged]);
  });
  const r = await systemDns(`127.0.0.1:${s.port}`, 300).query("x.test", "A");
  assert.equal(r.status, "error", "the forged answer was not accepted");
});

test("SERVFAIL from the first server moves on to the next; both failing is ESERVFAIL", async () => {
  const bad = await _server((q) => _response(q, { rcode: "SERVFAIL" }));
  const good = await _server((q) => _response(q, { answers: [{ type: "A", name: "x.test", data: "192.0.2.7" }] }));
  const servers = [{ host: "127.0.0.1", port: bad.port }, { host: "127.0.0.1", port: good.port }];
  const r = await exchange(servers, "x.test", "A", 1000, 1);
  assert.equal(r.rcode, "NOERROR");
  assert.equal(await systemDns(`127.0.0.1:${bad.port}`).query("x.test", "A").then((x) => x.status), "error");
});

test("a closed port is ECONNREFUSED, a silent server ETIMEOUT, NXDOMAIN and NODATA are told apart", async () => {
  const silent = await _server(() => undefined);
  const closed = dgram.createSocket("udp4");
  await new Promise<void>((r) => closed.bind(0, "127.0.0.1", r));
  const closedPort = closed.address().port;
  await new Promise<void>((r) => closed.close(() => r()));
  assert.deepEqual(await systemDns(`127.0.0.1:${closedPort}`, 500).query("a.test", "A"), {
    status: "error",
    code: "ECONNREFUSED",
  });
  assert.deepEqual(await systemDns(`127.0.0.1:${silent.port}`, 100).query("a.test", "A"), {
    status: "error",
    code: "ETIMEOUT",
  });
  const zone = await _server((q) =>
    q.questions?.[0]?.name === "gone.test" ? _response(q, { rcode: "NXDOMAIN" }) : _response(q, {})
  );
  const dns = systemDns(`127.0.0.1:${zone.port}`);
  assert.deepEqual(await dns.query("gone.test", "TXT"), { status: "nxdomain" });
  assert.deepEqual(await dns.query("here.test", "TXT"), { status: "nodata" });
});

test("names a library resolver refuses are asked as they are; over-long labels are not sent", async () => {
  const s = await _server((q) => _response(q, { rcode: "NXDOMAIN" }));
  const dns = systemDns(`127.0.0.1:${s.port}`);
  assert.deepEqual(await dns.query("foo:bar/baz.example.com", "A"), { status: "nxdomain" });
  assert.deepEqual(await dns.query("macro%percent  space%20url-space.example.com", "A"), { status: "nxdomain" });
  assert.deepEqual(await dns.query(`${"a".repeat(64)}.example.com`, "A"), { status: "error", code: "EBADNAME" });
  assert.equal(s.asked.length, 2);
});

test("queryDnssec() reports AD as secure, and SERVFAIL that CD turns into data as bogus", async () => {
  const s = await _server((q) => {
    const name = q.questions?.[0]?.name;
    const cd = ((q.flags ?? 0) & dnsPacket.CHECKING_DISABLED) !== 0;
    const tlsa = [{
      type: "TLSA",
      name: name ?? "",
      data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 1) },
    }] as dnsPacket.Answer[];
    if (name === "_25._tcp.good.test") return _response(q, { flags: dnsPacket.AUTHENTIC_DATA, answers: tlsa });
    if (name === "_25._tcp.bogus.test") {
      return cd ? _response(q, { answers: tlsa }) : _response(q, { rcode: "SERVFAIL" });
    }
    return _response(q, { rcode: "SERVFAIL" });
  });
  const dns = systemDns(`127.0.0.1:${s.port}`);
  const good = await dns.queryDnssec?.("_25._tcp.good.test", "TLSA");
  assert.equal(good?.secure, true);
  assert.equal(good?.status === "ok" && good.records[0]?.usage, 3);
  const bogus = await dns.queryDnssec?.("_25._tcp.bogus.test", "TLSA");
  assert.deepEqual([bogus?.status, bogus?.bogus], ["error", true]);
  const down = await dns.queryDnssec?.("_25._tcp.down.test", "TLSA");
  assert.deepEqual([down?.status, down?.bogus], ["error", undefined]);
  assert.ok(s.asked.some((a) => a.startsWith("udp TLSA _25._tcp.good.test") && Number(a.split(" ")[3]) & 0x20));
});
