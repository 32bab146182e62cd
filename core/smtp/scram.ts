/**
 * The client side of SCRAM (RFC 5802, SCRAM-SHA-256 per RFC 7677), without
 * channel binding ("n,,"). The password never crosses the wire: the client
 * proves knowledge of it, and checks the server's signature in return, so a
 * server that does not know the password cannot pretend the login worked.
 * Every value from the server is untrusted: bounded, and a malformed or
 * hostile message (a nonce that does not extend ours, an absurd iteration
 * count) ends the exchange with a reason instead of a crash or a hang.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/** SCRAM mechanisms this client implements, with their hash. */
export const SCRAM_HASHES = { "SCRAM-SHA-256": "sha256", "SCRAM-SHA-1": "sha1" } as const;

/** A SCRAM mechanism name. */
export type ScramMechanism = keyof typeof SCRAM_HASHES;

/** More PBKDF2 rounds than any real server asks for; a hostile count would burn the CPU. */
export const MAX_SCRAM_ITERATIONS = 1_000_000;
const _MAX_MESSAGE = 4096;

/** Why a SCRAM exchange was abandoned by the client. */
export class ScramError extends Error {
  readonly code = "E_SCRAM";
}

/** True for a mechanism name handled here. */
export function isScram(mechanism: string): mechanism is ScramMechanism {
  return Object.hasOwn(SCRAM_HASHES, mechanism);
}

/**
 * One SCRAM exchange: `first()` gives the client-first message, `final()`
 * turns the server-first message into the client-final one, `verify()`
 * checks the server-final message. Messages are plain text (SMTP base64
 * wraps them).
 */
export class ScramClient {
  readonly #hash: "sha256" | "sha1";
  readonly #user: string;
  readonly #password: string;
  readonly #nonce: string;
  #firstBare = "";
  #serverSignature: Buffer | undefined;

  constructor(mechanism: ScramMechanism, user: string, password: string, nonce = randomBytes(18).toString("base64")) {
    this.#hash = SCRAM_HASHES[mechanism];
    this.#user = user;
    this.#password = password;
    this.#nonce = nonce;
  }

  /** The client-first message: `n,,n=USER,r=NONCE`. */
  first(): string {
    this.#firstBare = `n=${saslName(this.#user)},r=${this.#nonce}`;
    return `n,,${this.#firstBare}`;
  }

  /** The client-final message with the proof, from the server-first message. Throws ScramError. */
  final(serverFirst: string): string {
    const attrs = _attributes(serverFirst);
    if (attrs.has("e")) throw new ScramError(`server error ${_clip(attrs.get("e") ?? "")}`);
    const nonce = attrs.get("r") ?? "";
    const salt = Buffer.from(attrs.get("s") ?? "", "base64");
    const iterations = Number(attrs.get("i"));
    if (!nonce.startsWith(this.#nonce) || nonce.length <= this.#nonce.length) {
      throw new ScramError("the server's nonce does not extend the client's");
    }
    if (salt.length === 0) throw new ScramError("the server sent no salt");
    if (!/^\d{1,7}$/.test(attrs.get("i") ?? "") || iterations < 1 || iterations > MAX_SCRAM_ITERATIONS) {
      throw new ScramError(`the iteration count is missing or outside 1…${MAX_SCRAM_ITERATIONS}`);
    }
    const finalBare = `c=biws,r=${nonce}`;
    const authMessage = `${this.#firstBare},${serverFirst},${finalBare}`;
    const salted = pbkdf2Sync(saslPrep(this.#password), salt, iterations, _size(this.#hash), this.#hash);
    const clientKey = _hmac(this.#hash, salted, "Client Key");
    const storedKey = createHash(this.#hash).update(clientKey).digest();
    const signature = _hmac(this.#hash, storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = (clientKey[i] as number) ^ (signature[i] as number);
    this.#serverSignature = _hmac(this.#hash, _hmac(this.#hash, salted, "Server Key"), authMessage);
    return `${finalBare},p=${proof.toString("base64")}`;
  }

  /** Checks the server-final message (`v=…`); throws ScramError unless the server proved it knows the password. */
  verify(serverFinal: string): void {
    const attrs = _attributes(serverFinal);
    if (attrs.has("e")) throw new ScramError(`server error ${_clip(attrs.get("e") ?? "")}`);
    const v = Buffer.from(attrs.get("v") ?? "", "base64");
    const expected = this.#serverSignature;
    if (!expected || v.length !== expected.length || !timingSafeEqual(v, expected)) {
      throw new ScramError("the server's signature does not match: it does not know the password");
    }
  }
}

/** RFC 5802 saslname: "=" and "," escaped as =3D and =2C. */
export function saslName(user: string): string {
  return saslPrep(user).replace(/=/g, "=3D").replace(/,/g, "=2C");
}

/**
 * SASLprep (RFC 4013) as far as passwords need it: characters mapped to
 * nothing are dropped, non-ASCII spaces become spaces, then NFKC.
 * (Prohibited characters are left for the server to refuse.)
 */
export function saslPrep(text: string): string {
  return text
    .replace(/[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/g, "")
    .replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, " ")
    .normalize("NFKC");
}

function _attributes(message: string): Map<string, string> {
  if (message.length > _MAX_MESSAGE) throw new ScramError("the server's message is too long");
  const out = new Map<string, string>();
  for (const part of message.split(",")) {
    const m = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (m?.[1] && !out.has(m[1])) out.set(m[1], m[2] ?? "");
  }
  return out;
}

function _hmac(hash: string, key: Buffer, text: string): Buffer {
  return createHmac(hash, key).update(text, "utf8").digest();
}

function _size(hash: "sha256" | "sha1"): number {
  return hash === "sha256" ? 32 : 20;
}

function _clip(text: string): string {
  // deno-lint-ignore no-control-regex
  return JSON.stringify(text.replace(/[\x00-\x1f\x7f-\x9f]/g, "·").slice(0, 60));
}
