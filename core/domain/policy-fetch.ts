/**
 * Fetching an MTA-STS policy (RFC 8461 §3.3): HTTPS to `mta-sts.<domain>`
 * on port 443, the certificate verified for that name by the one TLS
 * handshake smtpilot has, no redirects followed, at most 64 KiB read. The
 * host is resolved through the audit's own DNS client, so `--resolver` and
 * the per-run cache apply to it too.
 */
import { type Connector, connectWithin, systemConnect } from "../io.ts";
import { verifiedHandshake } from "../tls/handshake.ts";
import type { DnsClient } from "./dns.ts";
import type { PolicyFetcher } from "./mta-sts.ts";
import { printable } from "../printable.ts";

/** The most of a policy response read; RFC 8461 policies are a few hundred bytes. */
export const MAX_POLICY_BYTES = 64 * 1024;

/** Options of the HTTPS fetcher; `port`, `ca` and `connect` exist for tests against a local server. */
export interface PolicyFetchOptions {
  dns: DnsClient;
  timeoutMs: number;
  port?: number;
  ca?: string;
  connect?: Connector;
}

/** A fetcher for `https://HOST/PATH` URLs. */
export function httpsPolicyFetcher(options: PolicyFetchOptions): PolicyFetcher {
  return async (url) => {
    const { hostname, pathname } = new URL(url);
    const [a, aaaa] = await Promise.all([options.dns.query(hostname, "A"), options.dns.query(hostname, "AAAA")]);
    const address = (a.status === "ok" ? a.records[0] : undefined) ??
      (aaaa.status === "ok" ? aaaa.records[0] : undefined);
    if (address === undefined) throw new Error(`${hostname} has no address`);
    const socket = await connectWithin(
      options.connect ?? systemConnect,
      address,
      options.port ?? 443,
      options.timeoutMs,
    );
    const tls = await verifiedHandshake(socket, {
      name: hostname,
      timeoutMs: options.timeoutMs,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    });
    if (!tls.ok) {
      socket.destroy();
      throw new Error(
        tls.reason === "certificate"
          ? `the certificate of ${hostname} does not verify (${tls.stackError})`
          : tls.reason === "timeout"
          ? "the TLS handshake timed out"
          : `the TLS handshake failed (${tls.code})`,
      );
    }
    const secure = tls.socket;
    return await new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => {
        secure.destroy();
        reject(new Error("the server did not answer in time"));
      }, options.timeoutMs);
      secure.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_POLICY_BYTES) {
          clearTimeout(timer);
          secure.destroy();
          reject(new Error(`the answer is larger than ${MAX_POLICY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      secure.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      secure.on("close", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        const head = text.indexOf("\r\n\r\n");
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? NaN);
        const headers = head === -1 ? text : text.slice(0, head);
        const contentType = /^content-type:[ \t]*([^\r\n]*)$/im.exec(headers)?.[1]?.trim();
        if (Number.isNaN(status)) reject(new Error("the answer is not HTTP"));
        else {
          resolve({
            status,
            ...(contentType !== undefined ? { contentType: printable(contentType, 100) } : {}),
            body: head === -1 ? "" : text.slice(head + 4),
          });
        }
      });
      // HTTP/1.0: no chunked encoding, the server closes when done.
      secure.write(
        `GET ${pathname} HTTP/1.0\r\nHost: ${hostname}\r\nUser-Agent: smtpilot\r\nConnection: close\r\n\r\n`,
      );
    });
  };
}
