// The env file `npm start` and `npm run deploy` read, as twilio-run then reads it too (dotenv's syntax):
// a file that is not such settings ends the run in one line naming it, instead of being read as no
// settings at all (which `npm start` would take for a real account's).
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export const CREDENTIALS =
  'put your Account SID and Auth Token (Twilio Console, Account Info) in .env as ACCOUNT_SID and AUTH_TOKEN';

// One setting as dotenv's parse matches it (lib/main.js LINE): NAME=value or NAME: value, the value
// bare, or quoted over several lines, with an optional `export` before and a comment after.
const SETTING =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

/** Why `text` is not settings, or undefined: the first line that is neither a setting, a comment nor blank. */
function notSettings(text: string): string | undefined {
  // Each setting blanked, its newlines kept, so that what is left keeps its line numbers.
  const left = text.replace(SETTING, (setting) => setting.replace(/[^\n]/g, '')).split(/\r?\n/);
  const line = left.findIndex((rest) => rest.trim() !== '' && !rest.trim().startsWith('#'));
  return line < 0 ? undefined : `line ${line + 1} is not a setting (NAME=value, # for a comment)`;
}

/** The settings in `file`, or the run ends with the one line that says what is wrong with it. */
export function readEnvFile(file: string, fail: (message: string) => never): Record<string, string | undefined> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return fail(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`${file} cannot be read as settings: it is not text (UTF-8). Copy .env.example to start again`);
  }
  const problem = text.includes('\0') ? 'it is not text' : notSettings(text);
  if (problem) fail(`${file} cannot be read as settings: ${problem}. Copy .env.example to start again`);
  return parseEnv(text);
}
