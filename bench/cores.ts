// On Twilio, its API and a Function never share a CPU. Here they share the machine's cores, and on two
// cores the scheduler moves the emulator's process and the Function's back and forth between them as each
// wakes the other: each round trip then starts on a core whose caches hold the other's work.
import { execFileSync } from 'node:child_process';

/** A process's CPU affinity list as taskset prints it (`0,1`, `0-7`), or undefined when taskset cannot tell. */
function affinity(pid: number): string | undefined {
  try {
    return /list:\s*(\S+)/.exec(execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined; // no taskset (util-linux) on this machine
  }
}

const cpusIn = (list: string) =>
  list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });

const pin = (pid: number, list: string) => execFileSync('taskset', ['-a', '-c', '-p', list, String(pid)]);

/**
 * Keeps this process (the bench, and the emulator it serves Twilio's side from) and the Function's process
 * on cores of their own until `restore` is called, which gives both back the cores they had. `pinned` is
 * false, and nothing changes, where taskset is missing or the bench has fewer than two cores.
 */
export function coresApart(functionPid: number): { pinned: boolean; restore(): void } {
  const own = affinity(process.pid);
  const theirs = affinity(functionPid);
  const cpus = own ? cpusIn(own) : [];
  if (!own || !theirs || cpus.length < 2) return { pinned: false, restore: () => undefined };
  pin(process.pid, String(cpus[0]));
  pin(functionPid, cpus.slice(1).join(','));
  return {
    pinned: true,
    restore() {
      pin(process.pid, own);
      pin(functionPid, theirs);
    },
  };
}
