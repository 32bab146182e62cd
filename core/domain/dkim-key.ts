/**
 * DKIM key records (RFC 6376 §3.6.1, RFC 8463): `<selector>._domainkey.<domain>`
 * parsed and judged — key type and size (RSA under 1024 bits is ignored by
 * receivers, 1024 is weak, Ed25519 is fine), `t=y` testing, an empty `p=`
 * (revoked), syntax. Selectors come from the user, from a message's
 * DKIM-Signature, or from a short list of common ones, in which case the
 * audit says it guessed.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { type DnsClient, normalName, recordsOf } from "./dns.ts";
import { type Finding, finding, txtRecord } from "./finding.ts";
import { parseTagList } from "./tag-list.ts";

/** Selectors tried when none is given: providers' defaults (Microsoft 365, Google, Mailchimp, SendGrid…) and common names. */
export const COMMON_SELECTORS = [
  "default",
  "selector1",
  "selector2",
  "google",
  "k1",
  "k2",
  "s1",
  "s2",
  "dkim",
  "mail",
  "smtp",
  "mandrill",
] as const;

/** A parsed key record. */
export interface DkimKey {
  selector: string;
  name: string;
  text: string;
  keyType: string;
  /** Bits of an RSA modulus; 256 for Ed25519. */
  bits?: number;
  testing: boolean;
  revoked: boolean;
  /** The hash algorithms `h=` allows (absent: all). */
  hashes?: string[];
  publicKey?: KeyObject;
  problems: string[];
}

/** Parses a key record's text. */
export function parseDkimKey(text: string, selector: string, name: string): DkimKey {
  const { tags, order, problems } = parseTagList(text);
  const v = tags.get("v");
  if (v !== undefined && (v !== "DKIM1" || order[0] !== "v")) problems.push("v= must be DKIM1 and come first");
  const keyType = (tags.get("k") ?? "rsa").toLowerCase();
  const p = tags.get("p");
  const flags = (tags.get("t") ?? "").split(":").map((f) => f.trim().toLowerCase());
  const h = tags.get("h");
  const key: DkimKey = {
    selector,
    name,
    text,
    keyType,
    testing: flags.includes("y"),
    revoked: p === "",
    ...(h !== undefined ? { hashes: h.split(":").map((x) => x.trim().toLowerCase()).filter((x) => x !== "") } : {}),
    problems,
  };
  if (p === undefined) {
    problems.push("the p= tag (the public key) is missing");
    return key;
  }
  if (p === "") return key;
  const b64 = p.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    problems.push("p= is not base64");
    return key;
  }
  const der = Buffer.from(b64, "base64");
  if (keyType === "rsa") {
    const pub = _tryKey(der, "spki") ?? _tryKey(der, "pkcs1");
    if (!pub || pub.asymmetricKeyType !== "rsa") problems.push("p= is not an RSA public key");
    else Object.assign(key, { publicKey: pub, bits: pub.asymmetricKeyDetails?.modulusLength });
  } else if (keyType === "ed25519") {
    const pub = der.length === 32
      ? _tryKey(Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), der]), "spki")
      : undefined;
    if (!pub) problems.push("p= is not a 32-byte Ed25519 key");
    else Object.assign(key, { publicKey: pub, bits: 256 });
  } else {
    problems.push(`k=${keyType} is not a key type DKIM defines (rsa, ed25519)`);
  }
  return key;
}

function _tryKey(der: Buffer, type: "spki" | "pkcs1"): KeyObject | undefined {
  try {
    return createPublicKey({ key: der, format: "der", type });
  } catch {
    return undefined;
  }
}

/** Looks up one selector's key; undefined when there is none. `error` when the lookup failed. */
export async function fetchDkimKey(
  dns: DnsClient,
  domain: string,
  selector: string,
): Promise<DkimKey | { error: string; name: string } | undefined> {
  const name = `${selector}._domainkey.${normalName(domain)}`;
  const answer = await dns.query(name, "TXT");
  if (answer.status === "error") return { error: answer.code, name };
  const texts = recordsOf(answer).map((t) => t.join(""));
  const text = texts.find((t) => /(^|;)\s*(v\s*=\s*DKIM1|p\s*=|k\s*=)/i.test(t)) ?? texts[0];
  return text === undefined ? undefined : parseDkimKey(text, selector, name);
}

/** Findings about keys found (or not) at the selectors tried. */
export async function auditDkimKeys(
  dns: DnsClient,
  domain: string,
  selectors: readonly string[],
  guessed: boolean,
): Promise<{ keys: DkimKey[]; findings: Finding[] }> {
  const found = await Promise.all(selectors.map((s) => fetchDkimKey(dns, domain, s)));
  const findings: Finding[] = [];
  const keys: DkimKey[] = [];
  if (guessed) {
    findings.push(finding(
      "dkim.selectors-guessed",
      `No selector was given: tried ${selectors.length} common ones (give --selector or --message to be sure)`,
      [selectors.join(", ")],
    ));
  }
  const failed: string[] = [];
  found.forEach((k) => {
    if (k === undefined) return;
    if ("error" in k) {
      failed.push(`${k.name}: ${k.error}`);
      return;
    }
    keys.push(k);
    findings.push(...keyFindings(k));
  });
  if (failed.length > 0) {
    findings.push(finding("domain.dns-error", `${failed.length} DKIM key lookups failed`, failed));
  }
  if (keys.length === 0 && failed.length === 0) {
    findings.push(finding(
      "dkim.not-found",
      `No DKIM key at ${selectors.length === 1 ? "selector" : "selectors"} ${selectors.join(", ")} of ${domain}`,
      [`no TXT record at ${selectors.map((s) => `${s}._domainkey.${domain}`).join(", ")}`],
      guessed ? { severity: "warning" } : {},
    ));
  }
  return { keys, findings };
}

/** What is wrong (or right) with one key. */
export function keyFindings(k: DkimKey): Finding[] {
  const evidence = [`${k.name} TXT ${JSON.stringify(k.text.length > 120 ? `${k.text.slice(0, 117)}...` : k.text)}`];
  const out: Finding[] = [];
  if (k.problems.length > 0) {
    out.push(finding("dkim.syntax", `The DKIM key at ${k.name} is invalid: ${k.problems.join("; ")}`, evidence));
  }
  if (k.revoked) out.push(finding("dkim.revoked", `The key at selector ${k.selector} is revoked (empty p=)`, evidence));
  if (k.testing) {
    out.push(finding("dkim.testing", `Selector ${k.selector} is in testing mode (t=y)`, evidence));
  }
  if (k.hashes !== undefined && !k.hashes.includes("sha256")) {
    // RFC 8301 §3.1: verifiers must not accept rsa-sha1, so a key limited to it verifies nothing.
    out.push(finding(
      "dkim.hash-unusable",
      `Selector ${k.selector} allows only h=${
        k.hashes.join(":") || "(nothing)"
      }: verifiers reject sha1 signatures (RFC 8301), so no signature with this key can pass`,
      evidence,
      {
        fix: txtRecord(
          k.name,
          k.text.split(";").map((t) => t.trim()).filter((t) => t !== "" && !/^h\s*=/i.test(t)).join("; "),
        ),
      },
    ));
  }
  if (k.keyType === "rsa" && k.bits !== undefined && k.bits < 1024) {
    out.push(
      finding(
        "dkim.key-too-short",
        `Selector ${k.selector} has a ${k.bits}-bit RSA key; receivers ignore it`,
        evidence,
      ),
    );
  } else if (k.keyType === "rsa" && k.bits !== undefined && k.bits < 2048) {
    out.push(
      finding("dkim.key-weak", `Selector ${k.selector} has a ${k.bits}-bit RSA key; publish a 2048-bit one`, evidence),
    );
  }
  if (out.length === 0 && k.publicKey) {
    out.push(
      finding(
        "dkim.key-found",
        `Selector ${k.selector}: ${k.keyType} key${k.bits ? `, ${k.bits} bits` : ""}`,
        evidence,
      ),
    );
  }
  return out;
}
