// What a server costs the machine, read from /proc (Linux only): CPU time
// (utime + stime, all threads) and resident memory of a set of processes.
// `wrangler dev` is a tree (npm, node, esbuild, two workerd), found as every
// process of its process group; the baseline is one process.
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // CLK_TCK is 100 on Linux x86-64 and arm64

/**
 * @typedef {object} ProcInfo
 * @property {number} pid
 * @property {string} comm
 * @property {string} args
 */

/**
 * Fields of /proc/<pid>/stat after the command name, which may itself hold
 * spaces and parentheses: index 0 is `state` (field 3 in proc(5)).
 * @param {number} pid
 */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return {
    comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
    rest: text.slice(text.lastIndexOf(")") + 2).split(" "),
  };
}

/**
 * Every live process of a process group.
 * @param {number} pgid
 * @returns {ProcInfo[]}
 */
export function groupProcesses(pgid) {
  /** @type {ProcInfo[]} */
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const { comm, rest } = statFields(pid);
      if (Number(rest[2]) !== pgid || rest[0] === "Z") continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      found.push({ pid, comm, args });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/**
 * CPU time used so far by a process, in ms (its threads included; children it
 * has not reaped are not).
 * @param {number} pid
 */
export function cpuMs(pid) {
  try {
    const { rest } = statFields(pid);
    // utime and stime are fields 14 and 15 of proc(5): indices 11 and 12 here.
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * Resident memory of a process, in KiB.
 * @param {number} pid
 */
export function rssKiB(pid) {
  return statusKiB(pid, "VmRSS");
}

/**
 * One memory field of /proc/<pid>/status in KiB (VmRSS, RssAnon, RssFile, RssShmem), or 0.
 * @param {number} pid
 * @param {string} field
 */
export function statusKiB(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU ms per pid, for a later `cpuSince`.
 * @param {number[]} pids
 * @returns {Map<number, number>}
 */
export function cpuSnapshot(pids) {
  return new Map(pids.map((pid) => [pid, cpuMs(pid)]));
}

/**
 * CPU ms used since a snapshot by the same pids (a pid gone since counts 0).
 * @param {Map<number, number>} before
 */
export function cpuSince(before) {
  let total = 0;
  for (const [pid, ms] of before) total += Math.max(0, cpuMs(pid) - ms);
  return total;
}

/** The 1-minute load average, from /proc/loadavg. */
export function loadAverage() {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  } catch {
    return [];
  }
}
