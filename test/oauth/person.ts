/**
 * Plays the person at the fixture's identity pages, over HTTPS with the
 * fixture CA: approves (or declines) a device code at the verification page,
 * or the consent page of an authorization URL, following the redirect back
 * to the loopback listener the way a browser would.
 */
import http from "node:http";
import https from "node:https";
import { fixtureCa } from "../../fixtures/cert-profiles.ts";

interface Answer {
  status: number;
  location?: string;
  body: string;
}

function request(url: URL, method: string, form?: URLSearchParams): Promise<Answer> {
  const body = form?.toString();
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method,
      ...(url.protocol === "https:" ? { ca: fixtureCa().certPem } : {}),
      headers: body
        ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) }
        : {},
    }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          body: text,
        }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Enters `userCode` at the device-login page and allows (or denies) the login. */
export async function completeDeviceLogin(
  verificationUri: string,
  userCode: string,
  decision: "allow" | "deny" = "allow",
  account?: string,
): Promise<void> {
  const form = new URLSearchParams({ user_code: userCode, decision, ...(account ? { account } : {}) });
  const r = await request(new URL(verificationUri), "POST", form);
  if (r.status !== 200) throw new Error(`device login answered ${r.status}`);
}

/** Opens the consent page, allows, and follows the redirect to the app's loopback callback. */
export async function consentInBrowser(
  url: URL,
  decision: "allow" | "deny" = "allow",
  account?: string,
): Promise<void> {
  const page = await request(url, "GET");
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${page.body}`);
  const form = new URLSearchParams(url.searchParams);
  form.set("decision", decision);
  if (account) form.set("account", account);
  const r = await request(url, "POST", form);
  if (r.status !== 302 || !r.location) throw new Error(`consent answered ${r.status}`);
  await request(new URL(r.location), "GET");
}
