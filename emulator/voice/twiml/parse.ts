import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One TwiML verb or noun: its name, attributes, text and nested nouns (e.g. <Gather>'s <Say>). */
export interface Verb {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Verb[];
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
});

function toVerb(node: Node): Verb | undefined {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (!name || name === '#text' || name.startsWith('?')) return undefined;
  const content = node[name] as Node[];
  return {
    name,
    attrs: node[':@'] ?? {},
    text: content
      .map((c) => (typeof c['#text'] === 'string' ? c['#text'] : ''))
      .join('')
      .trim(),
    children: content.map(toVerb).filter((v): v is Verb => v !== undefined),
  };
}

/** The verbs of a TwiML document, in order; throws on anything that is not a <Response> document (Twilio's 12100). */
export function parseTwiml(twiml: string): Verb[] {
  if (XMLValidator.validate(twiml) !== true)
    throw new Error('Document parse failure (12100): the TwiML is not well-formed XML');
  const response = (parser.parse(twiml) as Node[]).map(toVerb).find((v) => v !== undefined);
  if (response?.name !== 'Response')
    throw new Error('Document parse failure (12100): the root element must be <Response>');
  return response.children;
}
