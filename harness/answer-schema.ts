import Ajv, { type ValidateFunction } from 'ajv';

/** An answer that went from the upstream (the emulator) to its caller. */
export interface Answer {
  method: string;
  path: string;
  status: number;
  body: string;
}

type Spec = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

/**
 * OUR OWN CHECK, beside Prism's: every JSON answer of 2xx held to the schema Twilio's OpenAPI description
 * gives it (JSON types, required fields, enums, `nullable`) by Ajv, since Prism lets some through (a
 * recording's `channels` sent as the string "1" passed it). Formats are not checked (Twilio's own, such
 * as `date-time-rfc-2822` and `phone-number`, have no definition to check them by). An answer whose path,
 * method or status the description does not list is Prism's to report.
 */
export function answerSchemaChecker(spec: object): (answer: Answer) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, discriminator: false });
  ajv.addSchema(nullableAsJsonSchema(structuredClone(spec)) as object, 'twilio');
  const templates = Object.keys((spec as Spec).paths)
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }))
    // A literal segment wins over a parameter (`/v2/Flows/Validate` over `/v2/Flows/{Sid}`).
    .sort((a, b) => a.params - b.params);
  const compiled = new Map<string, ValidateFunction | null>();
  const validatorFor = (template: string, method: string, status: number) => {
    const key = `${method} ${template} ${status}`;
    if (!compiled.has(key)) {
      const responses = (spec as Spec).paths[template]?.[method]?.responses ?? {};
      const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
      const has = (responses[String(status)] as { content?: Record<string, { schema?: unknown }> } | undefined)
        ?.content?.['application/json']?.schema;
      compiled.set(
        key,
        has
          ? ajv.compile({
              $ref: `twilio#/paths/${escape(template)}/${method}/responses/${status}/content/application~1json/schema`,
            })
          : null,
      );
    }
    return compiled.get(key)!;
  };
  return (answer) => {
    if (answer.status < 200 || answer.status >= 300) return [];
    const path = answer.path.split('?')[0];
    const found = templates.find((t) => t.pattern.test(path));
    if (!found) return [];
    const validate = validatorFor(found.template, answer.method.toLowerCase(), answer.status);
    if (!validate) return [];
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [`${answer.method} ${answer.path} ${answer.status}: the body is not JSON`];
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${answer.method} ${answer.path} ${answer.status}: SCHEMA ${e.instancePath || '/'} ${e.message ?? ''}${
          e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''
        }`,
    );
  };
}

/**
 * OpenAPI 3.0's `nullable` as JSON Schema says it, where Ajv's own reading of it does not reach: beside a
 * `$ref` (Twilio's specs write a nullable enum so), as "the referenced schema, or null"; with an `enum`, null
 * added to it; with no `type` at all (anything goes), dropped.
 */
function nullableAsJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAsJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = nullableAsJsonSchema(v);
  if (out.nullable !== true) return out;
  if (typeof out.$ref === 'string') {
    const { $ref, nullable: _nullable, ...rest } = out;
    return { ...rest, anyOf: [{ $ref }, { type: 'null' }] };
  }
  if (out.type === undefined) {
    const { nullable: _nullable, ...rest } = out;
    return rest;
  }
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
