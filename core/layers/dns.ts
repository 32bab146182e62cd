/**
 * Layer dns: the host resolves to at least one address. Shows the CNAME chain
 * when there is one; an IP literal passes as it is.
 */
import { isIP } from "node:net";
import { failed, type LayerResult, passed } from "../layer.ts";
import type { HostAddress } from "../io.ts";
import { TIMED_OUT, within } from "../timing.ts";
import { type LayerContext, since } from "./context.ts";

/** Resolves like `within`, but a timeout rejects with ETIMEDOUT (a resolver failure). */
async function _within<T>(p: Promise<T>, ms: number): Promise<T> {
  const r = await within(p, ms);
  if (r === TIMED_OUT) throw Object.assign(new Error("DNS timed out"), { code: "ETIMEDOUT" });
  return r;
}

const _MAX_CNAME_HOPS = 8;

/** Runs the dns layer and records the addresses in the session state. */
export async function runDns(ctx: LayerContext): Promise<LayerResult> {
  const start = ctx.io.clock.now();
  const host = ctx.options.host;
  const family = isIP(host);
  if (family !== 0) {
    ctx.state.addresses = [{ address: host, family: family === 6 ? 6 : 4 }];
    return passed("dns", since(ctx, start), {
      host,
      literal: true,
      addresses: [host],
      summary: `${host} (IP literal)`,
    });
  }
  const chain = _cnameChain(ctx, host);
  let addresses: HostAddress[];
  try {
    addresses = await _within(ctx.io.resolver.lookup(host), ctx.options.timeoutMs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "EUNKNOWN";
    const server = ctx.io.resolver.server;
    return failed(
      "dns",
      since(ctx, start),
      { host, error: code, ...(server ? { resolver: server } : {}) },
      _diagnosis(host, code, ctx.options.timeoutMs, server),
    );
  }
  const cnames = await chain;
  ctx.state.addresses = addresses;
  const list = addresses.map((a) => a.address);
  return passed("dns", since(ctx, start), {
    host,
    addresses: list,
    cnameChain: cnames,
    summary: `${[host, ...cnames].join(" → ")} → ${list.join(", ")}`,
  });
}

function _diagnosis(host: string, code: string, timeoutMs: number, server: string | undefined) {
  if (code === "ENOTFOUND" || code === "NXDOMAIN") {
    return {
      code: "dns.nxdomain",
      summary: `${host} does not exist in DNS (NXDOMAIN)`,
      cause: `No DNS record exists for ${host}: the name is misspelled or its zone is not published.`,
      next: "Check the spelling of --host against your provider's documentation.",
    };
  }
  if (code === "ENODATA" || code === "NODATA") {
    return {
      code: "dns.no-address",
      summary: `${host} exists but has no A or AAAA record`,
      cause: `The name ${host} exists, but publishes no address to connect to (maybe only MX or TXT records).`,
      next: "Use the submission host name your provider documents, not the bare domain or an MX-only name.",
    };
  }
  const why = code === "ETIMEDOUT" ? `no answer in ${timeoutMs} ms` : code;
  // The advice depends on whose resolver failed: the system's, or the one given with --resolver.
  if (server !== undefined) {
    return {
      code: "dns.resolver-failed",
      summary: `The DNS server ${server} given with --resolver could not answer for ${host} (${why})`,
      cause:
        `The DNS server ${server} failed (unreachable, refused, SERVFAIL or timed out), so nothing is known about the name yet.`,
      next:
        `Check that ${server} is reachable from here and answers DNS queries (port 53 unless given), or drop --resolver to use the system's resolver.`,
    };
  }
  return {
    code: "dns.resolver-failed",
    summary: `The resolver could not answer for ${host} (${why})`,
    cause:
      "The DNS resolver failed (unreachable, refused, SERVFAIL or timed out), so nothing is known about the name yet.",
    next: "Check the machine's resolver (/etc/resolv.conf), or ask a DNS server you trust directly with --resolver IP.",
  };
}

/** Follows CNAMEs best-effort: a failure here never fails the layer. */
async function _cnameChain(ctx: LayerContext, host: string): Promise<string[]> {
  const chain: string[] = [];
  let name = host;
  // One budget for the whole chain, so a slow resolver cannot stretch the layer past --timeout.
  const deadline = ctx.io.clock.now() + Math.min(2000, ctx.options.timeoutMs);
  try {
    for (let hop = 0; hop < _MAX_CNAME_HOPS; hop++) {
      const [next] = await _within(ctx.io.resolver.resolveCname(name), deadline - ctx.io.clock.now());
      if (!next || chain.includes(next)) break;
      chain.push(next);
      name = next;
    }
  } catch {
    // NODATA (no CNAME) ends the chain; any other error only loses the chain.
  }
  return chain;
}
