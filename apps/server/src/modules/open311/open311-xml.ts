/**
 * GeoReport v2's XML, written from the same value its JSON is (the Spark convention the spec maps the
 * two by: an array is an element named by its plural holding one element per item, named by the
 * singular). Schemaless, no namespace, UTF-8 with the declaration the spec requires. Text is escaped
 * (& < >) and characters XML 1.0 cannot carry (C0 controls but tab/newline/return, lone surrogates,
 * U+FFFE/U+FFFF) are dropped, so whatever a reporter typed cannot break a client's parser.
 */

export type SparkValue = string | number | boolean | null | undefined | readonly SparkValue[] | { readonly [key: string]: SparkValue };

/** The element each array's items get: the spec's plural → singular names. */
const ITEM_OF: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
};

// Everything outside XML 1.0's Char production.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function element(name: string, value: SparkValue, out: string[]): void {
  if (value === null || value === undefined || value === '') {
    out.push(`<${name}/>`);
    return;
  }
  if (Array.isArray(value)) {
    const item = ITEM_OF[name];
    if (!item) throw new Error(`no item element for the array ${name}`);
    out.push(`<${name}>`);
    for (const v of value as readonly SparkValue[]) element(item, v, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value)) element(k, v, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXmlText(String(value))}</${name}>`);
}

/** The document for a value under its root element (`services`, `service_requests`, `discovery` …). */
export function toXml(root: string, value: SparkValue): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  element(root, value, out);
  out.push('\n');
  return out.join('');
}
