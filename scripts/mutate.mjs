// `npm run mutate`: StrykerJS over lib/model, then lib/controls (stryker.config.mjs), each on its fast tests;
// prints each scope's survivors (Stryker's table) and then both scores. Exits 1 below the goal.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const GOAL = 85;
const scopes = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['model', 'controls'];
const scores = [];
for (const scope of scopes) {
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, STRYKER_SCOPE: scope } });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const report = JSON.parse(readFileSync(`reports/mutation/${scope}.json`, 'utf8'));
  const count = { killed: 0, survived: 0, timeout: 0, noCoverage: 0, other: 0 };
  for (const file of Object.values(report.files))
    for (const m of file.mutants) {
      if (m.status === 'Killed') count.killed++;
      else if (m.status === 'Survived') count.survived++;
      else if (m.status === 'Timeout') count.timeout++;
      else if (m.status === 'NoCoverage') count.noCoverage++;
      else count.other++;
    }
  const detected = count.killed + count.timeout;
  const score = (100 * detected) / (detected + count.survived + count.noCoverage);
  scores.push({
    scope,
    score: Number(score.toFixed(2)),
    ...count,
    minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
  });
}
console.log(`\nMutation scores, ${new Date().toISOString().slice(0, 10)} (goal ${GOAL} %):`);
console.table(scores);
if (scores.some((s) => s.score < GOAL)) process.exitCode = 1;
