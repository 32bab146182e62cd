// CPU time of the children a benchmark ran, for the benches that print a CPU ratio next to wall time.
import fs from "node:fs";

/**
 * CPU ms (user + system) of this process's finished children, from /proc (Linux; NaN elsewhere),
 * in clock ticks of 10 ms: meaningful as a mean over runs, not for one. It holds steady on a busy
 * machine, where wall time also measures the other jobs.
 */
export function childrenCpuMs() {
  try {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}
