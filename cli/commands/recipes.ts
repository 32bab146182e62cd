/**
 * `smtpilot recipes`: the diagnose flags (or a profile) turned into the
 * commands a person runs by hand, without touching the network or any
 * secret. `diagnose --recipes` uses `recipeTarget` and the same renderers.
 */
import { UsageError } from "../../core/errors.ts";
import { hasHidden, shown } from "../../core/printable.ts";
import type { LayerId } from "../../core/layer.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { buildRecipes, layersAround, type RecipesDocument, type RecipeTarget } from "../../core/recipes/recipes.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { recipesMarkdown, recipesText } from "../../core/recipes/render-recipes.ts";
import { parseSecretRef } from "../../core/secrets.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf, withProfile } from "../../core/memory/run-memory.ts";
import { ehloNameValue, hostValue, mailboxValue, resolverAddress } from "../../core/validate.ts";
import type { DiagnoseFlags } from "../../core/diagnose-flags.ts";
import { jsonText } from "../output.ts";

/** The parsed flags of `recipes`. */
interface RecipesFlags extends DiagnoseFlags {
  layer?: LayerId[];
  format?: "text" | "markdown" | "json";
}

const _DEFAULT_PORT = { auto: 587, starttls: 587, implicit: 465, none: 25 } as const;

/** Runs the command. */
export async function runRecipes(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const given = input.options as unknown as RecipesFlags;
  const profile = given.profile === undefined ? undefined : await memoryOf(ctx).profile(given.profile);
  const flags = profile ? withProfile({ ...given, profile: undefined }, profile, ctx) : given;
  const document = buildRecipes(recipeTarget(flags), flags.layer);
  return renderRecipes(document, ctx.json ? "json" : flags.format ?? "text");
}

/** The result for a format: json prints the document itself. */
export function renderRecipes(document: RecipesDocument, format: "text" | "markdown" | "json"): CommandResult {
  if (format === "json") return { exitCode: 0, document, text: jsonText(document) };
  return { exitCode: 0, document, text: format === "markdown" ? recipesMarkdown(document) : recipesText(document) };
}

/**
 * The recipe target of diagnose-style flags, validated like `diagnose` does
 * (same messages) but without reading the CA file or resolving the secret:
 * recipes name the file and the reference, nothing more.
 */
export function recipeTarget(flags: DiagnoseFlags): RecipeTarget {
  if (flags.host === undefined || flags.host.trim() === "") {
    throw new UsageError("Missing --host: the SMTP server the commands check (or --profile NAME)");
  }
  const tls = flags.tls ?? "auto";
  if (flags.secret !== undefined) parseSecretRef(flags.secret); // a malformed reference is refused, never echoed
  if (flags.user !== undefined && (flags.user.trim() === "" || hasHidden(flags.user))) {
    // A printed command is copied into a shell: a hidden or reordering character would change what it runs.
    throw new UsageError(`Invalid --user ${shown(flags.user)}: empty, or holds control, bidi or invisible characters`);
  }
  if (flags.secret !== undefined && flags.user === undefined) {
    throw new UsageError("--secret needs --user (the account name to authenticate as)");
  }
  if ((flags.from === undefined) !== ((flags.to ?? []).length === 0)) {
    throw new UsageError(flags.from === undefined ? "--to needs --from" : "--from needs at least one --to");
  }
  const address = (flag: string, value: string) => mailboxValue(flag, value).address;
  return {
    host: hostValue("--host", flags.host),
    port: flags.port ?? _DEFAULT_PORT[tls],
    tls,
    ...(flags.servername ? { servername: hostValue("--servername", flags.servername) } : {}),
    ...(flags.ca ? { caFile: flags.ca } : {}),
    ...(flags.ehloName ? { ehloName: ehloNameValue(flags.ehloName) } : {}),
    ...(flags.user !== undefined
      ? {
        auth: {
          user: flags.user,
          secretRef: flags.secret ?? "prompt",
          ...(flags.authMech ? { mechanism: flags.authMech } : {}),
        },
      }
      : {}),
    ...(flags.from !== undefined ? { from: address("--from", flags.from) } : {}),
    to: (flags.to ?? []).map((a) => address("--to", a)),
    ...(flags.resolver ? { resolver: resolverAddress(flags.resolver) } : {}),
    ...(flags.timeout ? { timeoutSeconds: Math.ceil(flags.timeout / 1000) } : {}),
  };
}

/**
 * `diagnose --recipes`: after a failed diagnosis, the commands for the
 * failing layer and the one that ran before it, appended to the text and
 * added to the JSON document as `recipes`. A pass adds nothing.
 */
export function withRecipes(
  result: CommandResult,
  report: DiagnoseReport,
  flags: DiagnoseFlags,
  options: DiagnoseOptions,
): CommandResult {
  const failed = report.verdict.layer;
  if (report.verdict.status !== "fail" || failed === undefined) return result;
  const ran = report.layers.filter((l) => l.status !== "skip").map((l) => l.id);
  const tried = report.layers.find((l) => l.id === "auth")?.facts.mechanism;
  const auth = options.auth;
  const target: RecipeTarget = {
    host: options.host,
    port: options.port,
    tls: options.tls,
    ...(options.servername ? { servername: options.servername } : {}),
    // The CA as a file: the path given, or the one `smtpilot fixture --ca-out` writes for a fixture run.
    ...(flags.ca ? { caFile: flags.ca } : options.ca !== undefined ? { caFile: "fixture-ca.pem" } : {}),
    ...(options.ehloName ? { ehloName: options.ehloName } : {}),
    ...(auth
      ? {
        auth: {
          user: auth.user,
          secretRef: auth.secretRef,
          ...(auth.mechanism ?? (typeof tried === "string" ? tried : undefined)
            ? { mechanism: auth.mechanism ?? (tried as string) }
            : {}),
        },
      }
      : {}),
    ...(options.from !== undefined ? { from: options.from } : {}),
    to: options.to,
    ...(flags.resolver ? { resolver: resolverAddress(flags.resolver) } : {}),
  };
  const recipes = buildRecipes(target, layersAround(ran, failed));
  return {
    exitCode: result.exitCode,
    document: { ...(result.document as object), recipes },
    ...(result.text !== undefined ? { text: `${result.text.trimEnd()}\n\n${recipesText(recipes)}` } : {}),
  };
}
