/**
 * The SPF include/redirect tree of a domain, walked without a client IP: the
 * whole tree a receiver may have to evaluate for mail from a server that
 * matches nothing — which is what the limits of RFC 7208 §4.6.4 are about.
 * Each node holds its record, the term that led to it and how many
 * DNS-querying terms it adds; names looked up by a, mx and exists are
 * checked for void answers. Children of a record are fetched in parallel.
 */
import type { DnsClient } from "./dns.ts";
import { normalName } from "./dns.ts";
import { domainProblem, fetchSpfRecord } from "./spf-check.ts";
import { hasMacro } from "./spf-macro.ts";
import { isSyntaxError, parseSpf, type SpfRecord, type SpfSyntaxError } from "./spf-record.ts";

/** One record in the tree. */
export interface SpfNode {
  domain: string;
  /** The term that led here (`include:_spf.example.net`), "" at the root. */
  via: string;
  /** Domains from the root to this one. */
  chain: string[];
  status: "ok" | "none" | "multiple" | "dns-error" | "syntax" | "loop" | "malformed" | "cut";
  text?: string;
  texts?: string[];
  record?: SpfRecord;
  syntax?: SpfSyntaxError;
  dnsError?: string;
  /** DNS-querying terms of this record alone (include, a, mx, ptr, exists, redirect). */
  lookups: number;
  /**
   * Names this record's a/mx/exists terms look up that have no records. With
   * `family`, the name has addresses of the other family only: the lookup is
   * void for senders of that family (an IPv4 client asks for A, RFC 7208 §5.3).
   */
  voids: { term: string; name: string; family?: "ipv4" | "ipv6" }[];
  /** mx terms whose domain has more than 10 MX hosts. */
  mxOver: { term: string; hosts: number }[];
  /** True when the name does not exist at all (NXDOMAIN). */
  nxdomain?: boolean;
  /** True when some term depends on the sender (macros), so it was not followed. */
  dynamic: boolean;
  children: SpfNode[];
}

/** At most this many records are fetched for one tree (a broken tree can be huge; 10 lookups is the limit anyway). */
export const MAX_TREE_NODES = 50;

interface _Walk {
  dns: DnsClient;
  nodes: number;
}

/** Fetches the tree rooted at `domain`. */
export function spfTree(dns: DnsClient, domain: string): Promise<SpfNode> {
  return _node({ dns, nodes: 0 }, normalName(domain), "", []);
}

/** Total DNS-querying terms in the tree, and all its nodes depth-first. */
export function treeNodes(root: SpfNode): SpfNode[] {
  return [root, ...root.children.flatMap(treeNodes)];
}

async function _node(walk: _Walk, domain: string, via: string, parents: string[]): Promise<SpfNode> {
  const chain = [...parents, domain];
  const node: SpfNode = {
    domain,
    via,
    chain,
    status: "ok",
    lookups: 0,
    voids: [],
    mxOver: [],
    dynamic: false,
    children: [],
  };
  if (parents.includes(domain)) return { ...node, status: "loop" };
  if (domainProblem(domain)) return { ...node, status: "malformed" };
  if (++walk.nodes > MAX_TREE_NODES) return { ...node, status: "cut" };
  const fetched = await fetchSpfRecord(walk.dns, domain);
  if (fetched.kind === "error") return { ...node, status: "dns-error", dnsError: fetched.code };
  if (fetched.kind === "none") return { ...node, status: "none", ...(fetched.nxdomain ? { nxdomain: true } : {}) };
  if (fetched.kind === "multiple") return { ...node, status: "multiple", texts: fetched.texts };
  node.text = fetched.text;
  const record = parseSpf(fetched.text);
  if (isSyntaxError(record)) return { ...node, status: "syntax", syntax: record };
  node.record = record;
  const pending: Promise<unknown>[] = [];
  const children: Promise<SpfNode>[] = [];
  let sawAll = false;
  for (const term of record.terms) {
    if (term.kind === "modifier" || sawAll) continue;
    if (term.name === "all") sawAll = true;
    if (term.name === "all" || term.name === "ip4" || term.name === "ip6") continue;
    node.lookups++;
    const spec = term.domainSpec;
    if (spec !== undefined && hasMacro(spec)) {
      node.dynamic = true;
      continue;
    }
    const target = spec === undefined ? domain : normalName(spec);
    if (term.name === "include") children.push(_node(walk, target, term.text, chain));
    else if (term.name === "a") pending.push(_voidA(walk.dns, node, term.text, target));
    else if (term.name === "exists") pending.push(_voidExists(walk.dns, node, term.text, target));
    else if (term.name === "mx") pending.push(_mx(walk.dns, node, term.text, target));
  }
  if (record.redirect && !sawAll) {
    node.lookups++;
    if (hasMacro(record.redirect.value)) node.dynamic = true;
    else children.push(_node(walk, normalName(record.redirect.value), record.redirect.text, chain));
  }
  const [kids] = await Promise.all([Promise.all(children), Promise.all(pending)]);
  node.children = kids;
  return node;
}

async function _voidA(dns: DnsClient, node: SpfNode, term: string, name: string): Promise<void> {
  const [a, aaaa] = await Promise.all([dns.query(name, "A"), dns.query(name, "AAAA")]);
  const voidA = a.status === "nxdomain" || a.status === "nodata";
  const voidAaaa = aaaa.status === "nxdomain" || aaaa.status === "nodata";
  if (voidA && voidAaaa) node.voids.push({ term, name });
  else if (voidA) node.voids.push({ term, name, family: "ipv4" });
  else if (voidAaaa) node.voids.push({ term, name, family: "ipv6" });
}

async function _voidExists(dns: DnsClient, node: SpfNode, term: string, name: string): Promise<void> {
  const a = await dns.query(name, "A");
  if (a.status === "nxdomain" || a.status === "nodata") node.voids.push({ term, name });
}

async function _mx(dns: DnsClient, node: SpfNode, term: string, name: string): Promise<void> {
  const mx = await dns.query(name, "MX");
  if (mx.status === "nxdomain" || mx.status === "nodata") node.voids.push({ term, name });
  if (mx.status === "ok") {
    const hosts = mx.records.filter((r) => r.exchange !== "" && r.exchange !== ".").length;
    if (hosts > 10) node.mxOver.push({ term, hosts });
  }
}
