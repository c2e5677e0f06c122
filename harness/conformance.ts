import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerSchemaChecker } from './answer-schema';
import { startAnswerRecorder, twilioErrorShapeProblems, type ErrorAnswer } from './error-shape';
import { SERVERLESS_SPEC_EXCEPTIONS, SPEC_EXCEPTIONS } from './spec-exceptions';
import { clientFor, freePort, ROOT, stopProcess } from './stack';
import { tempFolder } from './temp';

const SPECS = join(ROOT, 'node_modules/@twilio-alpha/mcp/twilio-oai/spec/json');

/** The paths the toolkit uses, from Twilio's four specs (Voice, Sync, TaskRouter, Studio), merged (their paths and schema names do not collide). */
export function toolkitSpec(): object {
  const api = JSON.parse(readFileSync(join(SPECS, 'twilio_api_v2010.json'), 'utf8'));
  const sync = JSON.parse(readFileSync(join(SPECS, 'twilio_sync_v1.json'), 'utf8'));
  const taskrouter = JSON.parse(readFileSync(join(SPECS, 'twilio_taskrouter_v1.json'), 'utf8'));
  const studio = JSON.parse(readFileSync(join(SPECS, 'twilio_studio_v2.json'), 'utf8'));
  const wanted = (path: string) =>
    /^\/2010-04-01\/Accounts\/\{AccountSid\}\/(Calls|Conferences)(\.json|\/\{(Sid|CallSid|ConferenceSid)\}(\.json|\/Participants\.json|\/Recordings(\.json|\/\{Sid\}\.json)))$/.test(
      path,
    ) ||
    /^\/v1\/Workspaces(\/\{Sid\}|\/\{WorkspaceSid\}\/(Workers(\/\{Sid\}|\/\{WorkerSid\}\/Reservations(\/\{Sid\})?)?|Tasks(\/\{Sid\}|\/\{TaskSid\}\/Reservations)?))?$/.test(
      path,
    ) ||
    /^\/v1\/Services(\/\{Sid\}|\/\{ServiceSid\}\/(Documents(\/\{Sid\})?|Lists(\/\{Sid\}|\/\{ListSid\}\/Items(\/\{Index\})?)?|Maps(\/\{Sid\}|\/\{MapSid\}\/Items(\/\{Key\})?)?))?$/.test(
      path,
    ) ||
    /^\/v2\/Flows(\/Validate|\/\{Sid\}|\/\{FlowSid\}\/Executions(\/\{Sid\}|\/\{ExecutionSid\}\/(Context|Steps(\/\{Sid\}|\/\{StepSid\}\/Context)?))?)?$/.test(
      path,
    );
  const paths = Object.fromEntries(
    [api, sync, taskrouter, studio]
      .flatMap((spec) => Object.entries(spec.paths))
      .filter(([path]) => wanted(path))
      .map(([path, item]) => [path, { ...(item as object), servers: undefined }]),
  );
  const spec = {
    openapi: api.openapi,
    info: {
      title: 'Twilio API 2010-04-01, Sync v1, TaskRouter v1 and Studio v2: the paths recording-controls uses',
      version: api.info.version,
    },
    components: {
      securitySchemes: api.components.securitySchemes,
      schemas: {
        ...api.components.schemas,
        ...sync.components.schemas,
        ...taskrouter.components.schemas,
        ...studio.components.schemas,
      },
    },
    security: api.security,
    paths,
  };
  for (const exception of SPEC_EXCEPTIONS) exception.apply(spec as never);
  return spec;
}

/** Twilio's Serverless API (v1) as described, for the deploy's stand-in (harness/serverless-standin). */
export function serverlessSpec(): object {
  const spec = JSON.parse(readFileSync(join(SPECS, 'twilio_serverless_v1.json'), 'utf8'));
  for (const item of Object.values(spec.paths)) delete (item as { servers?: unknown }).servers;
  for (const exception of SERVERLESS_SPEC_EXCEPTIONS) exception.apply(spec);
  return spec;
}

/** A point in Prism's log and in the recorder's error answers, to look only at what came after. */
export interface PrismMark {
  output: number;
  errors: number;
  answers: number;
}

export interface RunningPrism {
  url: string;
  client: ReturnType<typeof clientFor>;
  output(): string;
  mark(): PrismMark;
  /**
   * Everything since `from` that breaks Twilio's contract, in either direction, once Prism's log has caught
   * up: a request refused or an answer failed by Prism, an error body not of Twilio's shape, and a 2xx
   * answer not of its schema (our own checks, see error-shape.ts and answer-schema.ts).
   */
  problems(from: PrismMark): Promise<string[]>;
  /** The error answers the upstream gave since `from`. */
  errorAnswers(from: PrismMark): ErrorAnswer[];
  stop(): Promise<void>;
}

/**
 * Prism's lines that report a broken contract: its errors (a request refused, an answer failed, a 2xx not
 * in the document included) and its validator's findings, but for the warning every error answer gets
 * (Twilio's document lists none), which the error-shape check stands in for.
 */
function brokenContract(log: string): string[] {
  return log
    .split('\n')
    .filter(
      (l) =>
        /✖|\bfatal\b/.test(l) || (l.includes('[VALIDATOR]') && !l.includes('Unable to match the returned status code')),
    );
}

/**
 * Prism in proxy mode in front of `upstream`: it forwards every request and, with --errors, answers
 * 422 for a request and 500 for a response that breaks Twilio's OpenAPI description. Between Prism and
 * the upstream, a recorder keeps the error answers for the error-shape check Prism does not make.
 */
export async function startPrism(upstream: string, spec: object = toolkitSpec()): Promise<RunningPrism> {
  const recorder = await startAnswerRecorder(upstream);
  const schemaProblems = answerSchemaChecker(spec);
  const dir = tempFolder('prism');
  const specFile = join(dir, 'twilio.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js'),
      'proxy',
      specFile,
      recorder.url,
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
    if (child.exitCode !== null || Date.now() > deadline) {
      await recorder.stop();
      throw new Error(`Prism did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = `http://127.0.0.1:${port}`;
  const client = clientFor(url);
  let settles = 0;
  /** Prism logs each request in order: once a request sent now shows in its log, all before it do. */
  const settle = async () => {
    const token = `prism-settle-${++settles}`;
    await client.request({ method: 'get', uri: `https://sync.twilio.com/v1/Services?PageToken=${token}` });
    const until = Date.now() + 10_000;
    while (!output.includes(`PageToken=${token}.`)) {
      if (Date.now() > until) throw new Error(`Prism's log did not show ${token} within 10 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const errorAnswers = (from: PrismMark) => recorder.errorAnswers().slice(from.errors);
  return {
    url,
    client,
    output: () => output,
    mark: () => ({
      output: output.length,
      errors: recorder.errorAnswers().length,
      answers: recorder.jsonAnswers().length,
    }),
    async problems(from) {
      await settle();
      return [
        ...brokenContract(output.slice(from.output)),
        ...errorAnswers(from).flatMap(twilioErrorShapeProblems),
        ...recorder.jsonAnswers().slice(from.answers).flatMap(schemaProblems),
      ];
    },
    errorAnswers,
    async stop() {
      await stopProcess(child);
      await recorder.stop();
    },
  };
}
