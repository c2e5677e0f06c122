import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPEC_EXCEPTIONS } from './spec-exceptions';
import { clientFor, freePort, ROOT, stopProcess } from './stack';

const SPECS = join(ROOT, 'node_modules/@twilio-alpha/mcp/twilio-oai/spec/json');

/** The paths the toolkit uses, from Twilio's three specs (Voice, Sync, TaskRouter), merged (their paths and schema names do not collide). */
export function toolkitSpec(): object {
  const api = JSON.parse(readFileSync(join(SPECS, 'twilio_api_v2010.json'), 'utf8'));
  const sync = JSON.parse(readFileSync(join(SPECS, 'twilio_sync_v1.json'), 'utf8'));
  const taskrouter = JSON.parse(readFileSync(join(SPECS, 'twilio_taskrouter_v1.json'), 'utf8'));
  const wanted = (path: string) =>
    /^\/2010-04-01\/Accounts\/\{AccountSid\}\/(Calls|Conferences)(\.json|\/\{(Sid|CallSid|ConferenceSid)\}(\.json|\/Recordings(\.json|\/\{Sid\}\.json)))$/.test(
      path,
    ) ||
    /^\/v1\/Workspaces(\/\{Sid\}|\/\{WorkspaceSid\}\/(Workers(\/\{Sid\}|\/\{WorkerSid\}\/Reservations(\/\{Sid\})?)?|Tasks(\/\{Sid\})?))?$/.test(
      path,
    ) ||
    /^\/v1\/Services(\/\{Sid\}|\/\{ServiceSid\}\/(Documents(\/\{Sid\})?|Lists(\/\{Sid\}|\/\{ListSid\}\/Items(\/\{Index\})?)?|Maps(\/\{Sid\}|\/\{MapSid\}\/Items(\/\{Key\})?)?))?$/.test(
      path,
    );
  const paths = Object.fromEntries(
    [...Object.entries(api.paths), ...Object.entries(sync.paths), ...Object.entries(taskrouter.paths)]
      .filter(([path]) => wanted(path))
      .map(([path, item]) => [path, { ...(item as object), servers: undefined }]),
  );
  const spec = {
    openapi: api.openapi,
    info: {
      title: 'Twilio API 2010-04-01, Sync v1 and TaskRouter v1: the paths recording-controls uses',
      version: api.info.version,
    },
    components: {
      securitySchemes: api.components.securitySchemes,
      schemas: { ...api.components.schemas, ...sync.components.schemas, ...taskrouter.components.schemas },
    },
    security: api.security,
    paths,
  };
  for (const exception of SPEC_EXCEPTIONS) exception.apply(spec as never);
  return spec;
}

export interface RunningPrism {
  url: string;
  client: ReturnType<typeof clientFor>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Prism in proxy mode in front of `upstream`: it forwards every request and, with --errors, answers
 * 422 for a request and 500 for a response that breaks Twilio's OpenAPI description.
 */
export async function startPrism(upstream: string): Promise<RunningPrism> {
  const dir = mkdtempSync(join(tmpdir(), 'rc-prism-'));
  const specFile = join(dir, 'twilio.json');
  writeFileSync(specFile, JSON.stringify(toolkitSpec()));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js'),
      'proxy',
      specFile,
      upstream,
      '--errors',
      '--port',
      String(port),
      '-h',
      '127.0.0.1',
    ],
    { env: { ...process.env, SCARF_ANALYTICS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Prism is listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Prism did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    client: clientFor(url),
    output: () => output,
    stop: () => stopProcess(child),
  };
}
