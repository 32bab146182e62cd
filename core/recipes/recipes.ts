/**
 * Recipes: for each layer of a diagnosis, the commands a person can run by
 * hand to check the same thing — `dig`, `nc`, `openssl s_client` (verifying
 * the chain and the host name), `swaks` with the same TLS and auth options —
 * built from the same request as `smtpilot diagnose`. A secret is never in
 * them: the auth recipe names the environment variable that holds it
 * (`--auth-password "$SMTP_PASSWORD"`), and no command ever reaches DATA.
 */
import { isIP } from "node:net";
import type { TlsMode } from "../diagnose-options.ts";
import { LAYER_IDS, type LayerId } from "../layer.ts";
import { commandLine, type RecipeCommand } from "./shell-line.ts";
import { RECIPES_SCHEMA } from "../schemas.ts";

/** Version tag of the recipes document. */
export { RECIPES_SCHEMA };

/** What the recipes are for: a diagnose request without its secret (only where it comes from). */
export interface RecipeTarget {
  host: string;
  port: number;
  tls: TlsMode;
  servername?: string;
  /** Path of the private CA file (`--ca`), as the user gave it. */
  caFile?: string;
  ehloName?: string;
  auth?: { user: string; secretRef: string; mechanism?: string };
  from?: string;
  to: readonly string[];
  /** `--resolver IP[:PORT]`. */
  resolver?: string;
  timeoutSeconds?: number;
}

/** The commands for one layer, with what each shows and what to keep in mind. */
export interface LayerRecipe {
  layer: LayerId;
  title: string;
  commands: (RecipeCommand & { line: string })[];
  notes: string[];
}

/** The `smtpilot.recipes/1` document. */
export interface RecipesDocument {
  schema: typeof RECIPES_SCHEMA;
  target: { host: string; port: number; tls: TlsMode; servername?: string };
  /** Environment variables the commands expand, and where their value comes from (a reference, never a value). */
  env: { name: string; from: string }[];
  layers: LayerRecipe[];
}

const _TITLES: Record<LayerId, string> = {
  dns: "does the name resolve?",
  tcp: "does the port accept a connection?",
  greeting: "does the server greet with 220?",
  tls: "does TLS verify (chain, host name, dates)?",
  ehlo: "what does the server offer after EHLO?",
  auth: "are the credentials accepted? (one login attempt)",
  envelope: "would the server take this sender and these recipients? (stops before DATA)",
};

/** The recipes for `layers` (every layer that applies when omitted), in the order they run. */
export function buildRecipes(target: RecipeTarget, layers?: readonly LayerId[]): RecipesDocument {
  const implicit = _implicit(target);
  const order: LayerId[] = implicit ? ["dns", "tcp", "tls", "greeting", "ehlo", "auth", "envelope"] : [...LAYER_IDS];
  const wanted = new Set(layers ?? LAYER_IDS);
  const env = target.auth ? [{ name: _passwordVar(target), from: target.auth.secretRef }] : [];
  const out: LayerRecipe[] = [];
  for (const layer of order) {
    if (!wanted.has(layer)) continue;
    const recipe = _layer(layer, target);
    if (!recipe) continue;
    out.push({
      layer,
      title: _TITLES[layer],
      commands: recipe.commands.map((c) => ({ ...c, line: commandLine(c) })),
      notes: recipe.notes,
    });
  }
  return {
    schema: RECIPES_SCHEMA,
    target: {
      host: target.host,
      port: target.port,
      tls: target.tls,
      ...(target.servername ? { servername: target.servername } : {}),
    },
    env,
    layers: out,
  };
}

/**
 * The layers worth checking by hand after a failed diagnosis: the failing
 * one and the one that ran just before it (what it stands on).
 */
export function layersAround(ran: readonly LayerId[], failed: LayerId): LayerId[] {
  const i = ran.indexOf(failed);
  if (i <= 0) return [failed];
  return [ran[i - 1] as LayerId, failed];
}

function _implicit(t: RecipeTarget): boolean {
  return t.tls === "implicit" || (t.tls === "auto" && t.port === 465);
}

function _name(t: RecipeTarget): string {
  return t.servername ?? t.host;
}

function _passwordVar(t: RecipeTarget): string {
  // env:NAME names the variable already; any other reference is read into SMTP_PASSWORD first.
  return /^env:([A-Z_][A-Z0-9_]*)$/.exec(t.auth?.secretRef ?? "")?.[1] ?? "SMTP_PASSWORD";
}

function _layer(layer: LayerId, t: RecipeTarget): { commands: RecipeCommand[]; notes: string[] } | undefined {
  switch (layer) {
    case "dns":
      return _dns(t);
    case "tcp":
      return {
        commands: [{
          tool: "nc",
          argv: ["nc", "-vz", "-w", String(t.timeoutSeconds ?? 5), t.host, String(t.port)],
          purpose: "succeeded / refused / timed out: the same three answers as the tcp layer",
        }],
        notes: [],
      };
    case "greeting":
      return _greeting(t);
    case "tls":
      return t.tls === "none" ? undefined : _tls(t);
    case "ehlo":
      return {
        commands: [_swaks(t, ["--quit-after", "EHLO"], "the EHLO reply (after STARTTLS when TLS is on): AUTH, SIZE…")],
        notes: [],
      };
    case "auth":
      return t.auth ? _auth(t) : undefined;
    case "envelope":
      return t.from !== undefined && t.to.length > 0 ? _envelope(t) : undefined;
  }
}

function _dns(t: RecipeTarget): { commands: RecipeCommand[]; notes: string[] } {
  if (isIP(t.host) !== 0) {
    return {
      commands: [{
        tool: "dig",
        argv: ["dig", "+short", "-x", t.host],
        purpose: "the address's PTR name (nothing to resolve)",
      }],
      notes: [`${t.host} is an IP address: the dns layer passes without a lookup.`],
    };
  }
  const at = t.resolver ? _resolverArgs(t.resolver) : [];
  return {
    commands: [
      { tool: "dig", argv: ["dig", ...at, "+short", "A", t.host], purpose: "IPv4 addresses (empty: none)" },
      { tool: "dig", argv: ["dig", ...at, "+short", "AAAA", t.host], purpose: "IPv6 addresses" },
      {
        tool: "dig",
        argv: ["dig", ...at, "A", t.host],
        purpose: "the full answer: status NXDOMAIN (no such name) or NOERROR with no A record (no address)",
      },
    ],
    notes: [],
  };
}

function _resolverArgs(resolver: string): string[] {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(resolver);
  const ip = m?.[1] ?? resolver;
  const port = isIP(resolver) === 6 ? undefined : m?.[2];
  return [`@${isIP(resolver) === 6 ? resolver : ip}`, ...(port ? ["-p", port] : [])];
}

function _greeting(t: RecipeTarget): { commands: RecipeCommand[]; notes: string[] } {
  const commands: RecipeCommand[] = [];
  if (!_implicit(t)) {
    commands.push({
      tool: "nc",
      argv: ["nc", "-C", "-w", String(t.timeoutSeconds ?? 10), t.host, String(t.port)],
      stdinNull: true,
      purpose: "the raw banner: 220 (ready), 421 (busy) or 554 (refused); nothing at all on an implicit-TLS port",
    });
  }
  commands.push(_swaks(t, ["--quit-after", "CONNECT"], "the banner as swaks reads it"));
  return { commands, notes: [] };
}

function _tls(t: RecipeTarget): { commands: RecipeCommand[]; notes: string[] } {
  const name = _name(t);
  const client = [
    "openssl",
    "s_client",
    "-connect",
    `${isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}`,
    ...(_implicit(t) ? [] : ["-starttls", "smtp", ...(t.ehloName ? ["-name", t.ehloName] : [])]),
    ...(isIP(name) === 0 ? ["-servername", name, "-verify_hostname", name] : ["-verify_ip", name]),
    "-verify_return_error",
    ...(t.caFile ? ["-CAfile", t.caFile] : []),
  ];
  return {
    commands: [
      {
        tool: "openssl",
        argv: [...client, "-brief"],
        stdinNull: true,
        purpose:
          "protocol, cipher and the verification result (it stops with an error when the chain, name or dates fail)",
      },
      {
        tool: "openssl",
        argv: [...client, "-showcerts"],
        stdinNull: true,
        pipe: ["openssl", "x509", "-noout", "-subject", "-issuer", "-dates", "-ext", "subjectAltName"],
        purpose: "the server certificate: names, issuer and validity dates",
      },
      _swaks(t, ["--quit-after", "TLS"], "the same handshake through swaks"),
    ],
    notes: [
      "swaks before 20240103 (Debian 12 has 20201014) checks the certificate chain with --tls-verify but not the host name; openssl's -verify_hostname does.",
      ...(t.caFile ? [] : ["For a private CA add -CAfile FILE (openssl) and --tls-ca-path FILE (swaks)."]),
    ],
  };
}

function _auth(t: RecipeTarget): { commands: RecipeCommand[]; notes: string[] } {
  const auth = t.auth as NonNullable<RecipeTarget["auth"]>;
  const mechanism = auth.mechanism ?? "PLAIN";
  const variable = _passwordVar(t);
  const swaksCan = ["PLAIN", "LOGIN", "CRAM-MD5"].includes(mechanism);
  return {
    commands: [
      _swaks(
        t,
        [
          "--auth",
          swaksCan ? mechanism : "PLAIN",
          "--auth-user",
          auth.user,
          "--auth-password",
          `$${variable}`,
          "--quit-after",
          "AUTH",
        ],
        "235 accepted, or the server's 535/534/454 reply that names the cause",
      ),
    ],
    notes: [
      `Set ${variable} first from ${auth.secretRef}; the command holds only the variable's name.`,
      "While swaks runs, its command line (with the expanded password) is visible in the process list; on a shared machine leave --auth-password out and type the password at swaks' prompt.",
      "One mechanism only: --auth with several (or none) makes swaks try each offered one, a failed login per mechanism, which can lock the account.",
      ...(swaksCan ? [] : [`swaks cannot speak ${mechanism}; the command uses PLAIN instead.`]),
      ...(t.tls === "none" ? ["This sends the password unencrypted (--tls none); smtpilot never does."] : []),
    ],
  };
}

function _envelope(t: RecipeTarget): { commands: RecipeCommand[]; notes: string[] } {
  const auth = t.auth
    ? ["--auth", t.auth.mechanism ?? "PLAIN", "--auth-user", t.auth.user, "--auth-password", `$${_passwordVar(t)}`]
    : [];
  return {
    commands: [
      _swaks(
        t,
        [...auth, "--from", t.from ?? "", "--to", t.to.join(","), "--quit-after", "RCPT"],
        "the replies to MAIL FROM and RCPT TO; swaks quits before DATA, so nothing is sent",
      ),
    ],
    notes: [],
  };
}

/** A swaks command with the request's connection and TLS options. */
function _swaks(t: RecipeTarget, extra: string[], purpose: string): RecipeCommand {
  const name = _name(t);
  const tls = t.tls === "none" ? [] : [
    _implicit(t) ? "--tls-on-connect" : "--tls",
    "--tls-verify",
    ...(t.caFile ? ["--tls-ca-path", t.caFile] : []),
    ...(isIP(name) === 0 ? ["--tls-sni", name] : []),
  ];
  return {
    tool: "swaks",
    argv: [
      "swaks",
      "--server",
      t.host,
      "--port",
      String(t.port),
      ...tls,
      ...(t.ehloName ? ["--ehlo", t.ehloName] : []),
      ...(t.timeoutSeconds ? ["--timeout", `${t.timeoutSeconds}s`] : []),
      ...extra,
    ],
    purpose,
  };
}
