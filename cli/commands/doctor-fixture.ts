/**
 * `doctor --fixture`: the built-in fixture plays the settings' server on
 * loopback — port 587 is healthy-starttls, 465 healthy-implicit, 25
 * port-filtered (like a cloud that blocks it), 2525 port-refusing, every
 * other port refused — and DNS is a small local zone (every name is
 * 127.0.0.1; smtpilot.test's MX is mx.smtpilot.test). Nothing leaves the
 * machine. The scenarios listen on consecutive ports from `--port-base`
 * (startFixture's portBase), or on free ones.
 */
import type { DoctorDeps } from "../../core/doctor/doctor.ts";
import type { MxLookup } from "../../core/doctor/dns-checks.ts";
import { type Connector, type DiagnoseIo, systemClock, systemConnect } from "../../core/io.ts";
import type { DetectDns } from "../../core/provider-detect.ts";
import { startFixture } from "../../fixtures/index.ts";
import { makeTempDir } from "../lifecycle.ts";

/** Which scenario plays which port. */
export const DOCTOR_STAND_INS: Readonly<Record<number, string>> = {
  587: "healthy-starttls",
  465: "healthy-implicit",
  25: "port-filtered",
  2525: "port-refusing",
};

/** The stand-in: the I/O a doctor run uses, what the mode line says, and how to stop it. */
export interface DoctorStandIn {
  io: DiagnoseIo;
  mx: MxLookup;
  detect: DetectDns;
  standIn: NonNullable<DoctorDeps["standIn"]>;
  close(): Promise<void>;
}

/** Starts the four scenarios; the fixture's folder is made (and removed on close) before anything listens. */
export async function startDoctorStandIn(portBase?: number): Promise<DoctorStandIn> {
  const temp = makeTempDir("smtpilot-fixture-");
  try {
    const names = Object.values(DOCTOR_STAND_INS);
    const fixture = await startFixture({
      scenarios: names,
      workDir: temp.dir,
      ...(portBase !== undefined ? { portBase } : {}),
    });
    const refusing = fixture.ports["port-refusing"] ?? 0;
    const map = new Map(
      Object.entries(DOCTOR_STAND_INS).map(([port, name]) => [Number(port), fixture.ports[name] ?? refusing]),
    );
    const connect: Connector = (_address, port, signal) =>
      systemConnect(fixture.host, map.get(port) ?? refusing, signal);
    const zone: MxLookup = {
      resolveMx: (name) =>
        name.toLowerCase().replace(/\.$/, "") === "smtpilot.test"
          ? Promise.resolve([{ exchange: "mx.smtpilot.test", priority: 10 }])
          : Promise.reject(Object.assign(new Error(`no MX for ${name}`), { code: "ENODATA" })),
    };
    const io: DiagnoseIo = {
      resolver: {
        lookup: () => Promise.resolve([{ address: fixture.host, family: 4 }]),
        resolveCname: () => Promise.reject(Object.assign(new Error("no CNAME"), { code: "ENODATA" })),
        server: "the fixture's zone",
      },
      connect,
      clock: systemClock,
    };
    const listed = [...map].map(([conventional, port]) => `${conventional}→${port}`).join(", ");
    let closing: Promise<void> | undefined;
    return {
      io,
      mx: zone,
      detect: {
        resolveSrv: (name) => Promise.reject(Object.assign(new Error(`no SRV for ${name}`), { code: "ENODATA" })),
        resolveMx: zone.resolveMx,
      },
      standIn: {
        note: `the fixture plays the server on ${fixture.host} (${listed}): 587 STARTTLS, 465 implicit TLS, ` +
          "25 filtered, 2525 refusing; DNS from the fixture's zone; nothing leaves this machine",
        servername: "localhost",
        ca: fixture.caPem,
      },
      close: () => {
        closing ??= fixture.close().finally(() => temp.remove());
        return closing;
      },
    };
  } catch (err) {
    temp.remove();
    throw err;
  }
}
