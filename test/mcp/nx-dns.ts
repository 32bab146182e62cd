/**
 * A DNS server that knows nothing: every name is NXDOMAIN, at once — for
 * tools that look up DNS (domain, align, preflight's alignment) without
 * waiting on a network.
 */
import { after, before } from "node:test";
import dgram from "node:dgram";
import dnsPacket from "dns-packet";

/** Starts the server for this test file; the returned function gives its `IP:PORT` once started. */
export function useNxDns(): () => string {
  let dns: dgram.Socket | undefined;
  let address = "";
  before(async () => {
    const socket = dgram.createSocket("udp4");
    dns = socket;
    socket.on("message", (msg, rinfo) => {
      const q = dnsPacket.decode(msg);
      socket.send(
        dnsPacket.encode({ id: q.id, type: "response", flags: 0x8183, questions: q.questions }),
        rinfo.port,
        rinfo.address,
      );
    });
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
    address = `127.0.0.1:${socket.address().port}`;
  });
  after(() => dns?.close());
  return () => address;
}
