/**
 * A disk that fills up, for tests of what smtpilot does when a write is cut
 * short. Preferably a real one: a small tmpfs mounted on a test folder (the
 * tests run as root on the development machine), which cuts a write at a page
 * boundary and then answers ENOSPC, exactly as a full disk does. Where
 * mounting is not allowed (an unprivileged CI runner), the same behaviour is
 * injected: `fs.writeSync` on files opened under the folder is cut short once
 * a byte budget is spent, then throws ENOSPC — in this process
 * (`limitWrites`) or in a CLI child via `--import` of this file with
 * SMTPILOT_TEST_DISK_DIR and SMTPILOT_TEST_DISK_BYTES set.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** A mounted tmpfs: its folder, how to fill it, and how to let it go. */
export interface SmallDisk {
  dir: string;
  /** Fills the disk with a filler file until only `pages` pages of 4 KiB are free. */
  leave(pages: number): void;
  /** Removes the filler: the disk has room again. */
  free(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `kib` KiB on `dir` (created); undefined when this machine does not allow it. */
export function mountSmallDisk(dir: string, kib: number): SmallDisk | undefined {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kib}k,mode=0700`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const filler = path.join(dir, ".filler");
  return {
    dir,
    leave: (pages) => {
      fs.rmSync(filler, { force: true });
      const { bfree, bsize } = fs.statfsSync(dir);
      fs.writeFileSync(filler, Buffer.alloc(Math.max(0, (bfree - pages) * bsize)));
    },
    free: () => fs.rmSync(filler, { force: true }),
    unmount: () => {
      try {
        execFileSync("umount", ["-l", dir], { stdio: "ignore" });
      } catch {
        // already gone
      }
    },
  };
}

/**
 * From now on, writes through fs.writeSync to files opened (fs.openSync)
 * under `dir` may add `bytes` in all: the write that crosses the budget is
 * cut short, later ones throw ENOSPC. Returns a function that lifts the limit.
 */
export function limitWrites(dir: string, bytes: number): () => void {
  const root = path.resolve(dir) + path.sep;
  const tracked = new Set<number>();
  let left = bytes;
  const { openSync, writeSync, closeSync } = fs;
  fs.openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    const fd = (openSync as (...a: unknown[]) => number)(file, ...rest);
    if (typeof file === "string" && path.resolve(file).startsWith(root)) tracked.add(fd);
    return fd;
  }) as typeof fs.openSync;
  fs.closeSync = ((fd: number) => {
    tracked.delete(fd);
    closeSync(fd);
  }) as typeof fs.closeSync;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (!tracked.has(fd)) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    const buf = typeof data === "string" ? Buffer.from(data) : data as Buffer;
    const offset = typeof rest[0] === "number" ? rest[0] : 0;
    const length = typeof rest[1] === "number" ? rest[1] : buf.length - offset;
    if (left <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const n = writeSync(fd, buf, offset, Math.min(length, left));
    left -= n;
    return n;
  }) as typeof fs.writeSync;
  return () => {
    fs.openSync = openSync;
    fs.writeSync = writeSync;
    fs.closeSync = closeSync;
  };
}

// As a preload (`node --import …/small-disk.ts`): limit this process's writes as the environment says.
if (process.env.SMTPILOT_TEST_DISK_DIR && process.env.SMTPILOT_TEST_DISK_BYTES) {
  limitWrites(process.env.SMTPILOT_TEST_DISK_DIR, Number(process.env.SMTPILOT_TEST_DISK_BYTES));
}
