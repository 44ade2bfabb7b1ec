import { describe, expect, it } from 'vitest';
import { escapeXmlText, toXml } from './open311-xml.ts';

describe('GeoReport XML', () => {
  it('names array items by the singular and writes null as an empty element', () => {
    expect(toXml('service_requests', [{ service_request_id: 'SJ1', service_notice: '已受理', account_id: null }])).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><service_request_id>SJ1</service_request_id><service_notice>已受理</service_notice><account_id/></request></service_requests>\n',
    );
    expect(toXml('discovery', { endpoints: [{ formats: ['text/xml', 'application/json'] }] })).toContain('<formats><format>text/xml</format><format>application/json</format></formats>');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXmlText('<script>alert("x")</script> & more')).toBe('&lt;script&gt;alert("x")&lt;/script&gt; &amp; more');
    expect(escapeXmlText('a\u0000b\u0008c\td\ne\uFFFEf\uD800g😀')).toBe('abc\td\nefg😀');
    expect(escapeXmlText(']]>')).toBe(']]&gt;');
  });

  it('refuses an array it has no item name for', () => {
    expect(() => toXml('things', [1])).toThrow(/things/);
  });
});
