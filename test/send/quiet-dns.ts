/**
 * A DNS server on loopback that knows no name (NXDOMAIN for every question):
 * the alignment check of a preflight then runs to its verdict — no DMARC,
 * no SPF — instead of stopping at an unreachable resolver.
 */
import dgram from "node:dgram";
import dnsPacket from "dns-packet";

/** A running server: `--resolver` value and a close. */
export interface QuietDns {
  resolver: string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with a random UDP port. */
export async function startQuietDns(): Promise<QuietDns> {
  const server = dgram.createSocket("udp4");
  server.on("message", (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const reply = dnsPacket.encode({ id: q.id, type: "response", flags: 0x8183, questions: q.questions, answers: [] });
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", () => resolve()));
  return {
    resolver: `127.0.0.1:${server.address().port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
