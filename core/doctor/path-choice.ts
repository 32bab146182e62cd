/**
 * Which path gets the full diagnosis: the settings' own (host, port, TLS as
 * the application uses it) when the sweep shows it works; else the same
 * port with the TLS mode it really speaks; else the first port that works,
 * submission first (587, 465, 2525, any other swept, 25 last). When nothing
 * works, the settings' own path — its diagnosis then names what breaks.
 * Ports are awaited in that order, so the choice is made as soon as the
 * answer is known, while slower ports (a filtered 25) are still timing out.
 */
import type { ChosenPath } from "./doctor-report.ts";
import type { TlsIntent } from "./mail-settings.ts";
import type { PortResult } from "./sweep.ts";

/** The TLS mode a diagnosis uses for an application's intent. */
export function modeOf(intent: TlsIntent): ChosenPath["tls"] {
  return intent === "implicit" ? "implicit" : intent === "none" ? "none" : "starttls";
}

/** Preference among alternatives: submission ports first, relay last. */
const _ORDER = [587, 465, 2525, 2587, 2465];

/** The path to diagnose, from the sweep's per-port results. */
export async function choosePath(
  host: string,
  own: { port: number; tls: ChosenPath["tls"] } | undefined,
  results: ReadonlyMap<number, Promise<PortResult>>,
): Promise<ChosenPath> {
  if (own) {
    const r = await results.get(own.port);
    if (r?.works && r.tls === own.tls) return { host, port: own.port, tls: own.tls, why: "settings" };
    if (r?.works && r.tls && r.tls !== "none") return { host, port: own.port, tls: r.tls, why: "corrected" };
  }
  const ports = [...results.keys()];
  const order = [
    ..._ORDER.filter((p) => results.has(p)),
    ...ports.filter((p) => !_ORDER.includes(p) && p !== 25),
    ...(results.has(25) ? [25] : []),
  ].filter((p) => p !== own?.port);
  for (const port of order) {
    const r = await results.get(port);
    if (r?.works && r.tls && r.tls !== "none") return { host, port, tls: r.tls, why: "alternative" };
  }
  if (own) return { host, port: own.port, tls: own.tls, why: "settings" };
  // Nothing works and nothing was asked for: diagnose the port that got furthest, submission first.
  const settled = await Promise.all(order.map((p) => results.get(p)));
  const furthest = settled.find((r) => r && (r.class === "smtp" || r.class === "tls")) ?? settled[0];
  const port = furthest?.port ?? 587;
  return { host, port, tls: furthest?.tls === "implicit" ? "implicit" : "starttls", why: "settings" };
}
