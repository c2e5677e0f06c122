/**
 * Where Twilio's OpenAPI description and the official twilio library disagree, the library is what
 * Twilio accepts. These are the only checks relaxed, each on a copy of the spec and by name.
 */
type Schema = { properties: Record<string, Record<string, unknown>>; enum?: unknown[] };
type Operation = {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const FORM = 'application/x-www-form-urlencoded';

export const SPEC_EXCEPTIONS: Array<{ name: string; why: string; apply(spec: Spec): void }> = [
  {
    name: 'Sync Document, List Item and Map Item Data is sent as a JSON string',
    why: 'The spec types Data as an object; the library (and Twilio) send the JSON text of it in a form field.',
    apply(spec) {
      for (const path of [
        '/v1/Services/{ServiceSid}/Documents',
        '/v1/Services/{ServiceSid}/Documents/{Sid}',
        '/v1/Services/{ServiceSid}/Lists/{ListSid}/Items',
        '/v1/Services/{ServiceSid}/Lists/{ListSid}/Items/{Index}',
        '/v1/Services/{ServiceSid}/Maps/{MapSid}/Items',
        '/v1/Services/{ServiceSid}/Maps/{MapSid}/Items/{Key}',
      ]) {
        spec.paths[path].post.requestBody!.content[FORM].schema.properties.Data = { type: 'string' };
      }
    },
  },
  {
    name: 'RecordingStatusCallbackEvent is sent as repeated keys',
    why: 'The library sends a form array as repeated keys (Event=a&Event=b); a validator reads one key as a string.',
    apply(spec) {
      const op = spec.paths['/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json'].post;
      const schema = op.requestBody!.content[FORM].schema.properties;
      schema.RecordingStatusCallbackEvent = { oneOf: [schema.RecordingStatusCallbackEvent, { type: 'string' }] };
    },
  },
  {
    name: "2010-04-01 list pages' *_uri fields are paths",
    why: "The spec gives first_page_uri, next_page_uri, previous_page_uri and uri the format uri, but Twilio sends paths and the library joins them to the API's domain (Domain.absoluteUrl).",
    apply(spec) {
      for (const [path, item] of Object.entries(spec.paths)) {
        const page = item.get?.responses['200']?.content?.['application/json']?.schema;
        if (!path.startsWith('/2010-04-01/') || !page?.properties?.first_page_uri) continue;
        for (const field of ['first_page_uri', 'next_page_uri', 'previous_page_uri', 'uri'])
          delete page.properties[field].format;
      }
    },
  },
  {
    name: 'A conference in progress has reason_conference_ended null',
    why: 'The spec says so in the field\'s description ("When a conference is in progress, will be null"), but its schema is a non-nullable enum.',
    apply(spec) {
      const values = spec.components.schemas.conference_enum_reason_conference_ended.enum ?? [];
      spec.components.schemas['api.v2010.account.conference'].properties.reason_conference_ended = {
        type: 'string',
        nullable: true,
        enum: [...values, null],
      };
    },
  },
  {
    name: "Studio's untyped nullable fields are typed as objects",
    why: 'The Studio spec gives definition and context only nullable: true, no type; the validator then skips the whole answer (a wrong revision or status passes). Studio sends JSON objects there.',
    apply(spec) {
      const typed = { type: 'object', nullable: true };
      const schemas = spec.components.schemas;
      schemas['studio.v2.flow'].properties.definition = typed;
      for (const name of [
        'studio.v2.flow.execution',
        'studio.v2.flow.execution.execution_context',
        'studio.v2.flow.execution.execution_step',
        'studio.v2.flow.execution.execution_step.execution_step_context',
      ])
        schemas[name].properties.context = typed;
    },
  },
];

/** The same, for the Serverless API (v1) as twilio-run's deploy (@twilio-labs/serverless-api) sends it. */
export const SERVERLESS_SPEC_EXCEPTIONS: typeof SPEC_EXCEPTIONS = [
  {
    name: "A Build's FunctionVersions and AssetVersions are sent as repeated keys",
    why: 'twilio-run sends a form array as repeated keys (FunctionVersions=a&FunctionVersions=b); a validator reads one key as a string.',
    apply(spec) {
      const schema = spec.paths['/v1/Services/{ServiceSid}/Builds'].post.requestBody!.content[FORM].schema.properties;
      for (const name of ['FunctionVersions', 'AssetVersions'])
        schema[name] = { oneOf: [schema[name], (schema[name] as { items: object }).items] };
    },
  },
];
