// The round-trips bench keeps Twilio's side and the Function on cores apart, and gives them back after.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { coresApart } from '../../bench/cores';

/** What Linux lets a process (its main thread) run on: `0-1`, `1`. */
const allowed = (pid: number) => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];

test('pins this process and the other to cores of their own, then restores what each had', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((ok) => child.once('spawn', ok));
  try {
    const mine = allowed(process.pid);
    const theirs = allowed(child.pid!);
    const cores = coresApart(child.pid!);
    if (!cores.pinned) {
      // No taskset, or one core: nothing changed.
      expect([allowed(process.pid), allowed(child.pid!)]).toEqual([mine, theirs]);
      return;
    }
    const [own, other] = [allowed(process.pid), allowed(child.pid!)];
    expect(own).toMatch(/^\d+$/);
    expect(other).not.toContain(own);
    cores.restore();
    expect([allowed(process.pid), allowed(child.pid!)]).toEqual([mine, theirs]);
  } finally {
    child.kill();
  }
});
