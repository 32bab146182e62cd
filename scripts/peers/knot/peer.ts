/**
 * A private, throw-away Knot DNS (Debian's `knot`) serving the zones in
 * `zones/` on a loopback port, so `smtpilot domain --resolver 127.0.0.1:PORT`
 * can be run end to end against a real authoritative server. Everything
 * lives in one temp folder, removed on stop (knot.ts). DKIM keys are generated at start and written into the
 * zones, so tests can sign messages with the private halves.
 *
 * As a script it starts the peer, prints its port as JSON and runs until
 * Ctrl-C:   npx tsx scripts/peers/knot/peer.ts
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPeerFromCommandLine } from "../_daemon.ts";
import { type KnotServer, startKnot } from "./knot.ts";

export { knotMissing } from "./knot.ts";

const _HERE = path.dirname(fileURLToPath(import.meta.url));

/** The private keys whose public halves the zones publish. */
export interface PeerKeys {
  /** good.test and bench.test selector s1 (RSA 2048). */
  good: KeyObject;
  /** good.test selector ed (Ed25519). */
  ed25519: KeyObject;
}

/** A running peer: the server and the DKIM keys its zones publish. */
export interface KnotPeer extends KnotServer {
  keys: PeerKeys;
}

/** Starts knotd on a free loopback port with the zones of this folder. */
export async function startKnotPeer(): Promise<KnotPeer> {
  const keys = _keys();
  const vars: Record<string, string> = {
    DKIM_GOOD: _txt(`v=DKIM1; k=rsa; p=${_spki(createPublicKey(keys.good))}`),
    DKIM_SHA1: _txt(`v=DKIM1; h=sha1; k=rsa; p=${_spki(createPublicKey(keys.good))}`),
    DKIM_ED25519: _txt(`v=DKIM1; k=ed25519; p=${_rawEd25519(createPublicKey(keys.ed25519))}`),
    DKIM_512: _txt(`v=DKIM1; k=rsa; p=${_spki(generateKeyPairSync("rsa", { modulusLength: 512 }).publicKey)}`),
    DKIM_1024: _txt(`v=DKIM1; k=rsa; p=${_spki(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey)}`),
    DKIM_TESTING: _txt(
      `v=DKIM1; k=rsa; t=y; p=${_spki(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey)}`,
    ),
  };
  const files = (await readdir(path.join(_HERE, "zones"))).filter((f) => f.endsWith(".zone")).sort();
  const zones = await Promise.all(files.map(async (f) => {
    const text = (await readFile(path.join(_HERE, "zones", f), "utf8"))
      .replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? `{{${k}}}`);
    // A zone file that starts with "; BROKEN" is served broken: SERVFAIL for every name in it.
    return { name: f.slice(0, -".zone".length), text, ...(text.startsWith("; BROKEN") ? { broken: true } : {}) };
  }));
  const server = await startKnot(zones);
  return { ...server, keys };
}

function _keys(): PeerKeys {
  return {
    good: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
    ed25519: generateKeyPairSync("ed25519").privateKey,
  };
}

function _spki(key: KeyObject): string {
  return key.export({ format: "der", type: "spki" }).toString("base64");
}

function _rawEd25519(key: KeyObject): string {
  return key.export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
}

/** A TXT value in zone-file form: strings of at most 255 characters, in parentheses. */
function _txt(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 255) parts.push(`"${text.slice(i, i + 255)}"`);
  return `( ${parts.join(" ")} )`;
}

runPeerFromCommandLine(import.meta.url, startKnotPeer, (peer) => ({ resolver: peer.resolver, zones: peer.zones }));
