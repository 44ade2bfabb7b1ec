import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSmsSender, LoggingSmsSender } from './sms-sender.ts';

describe('logging SMS sender', () => {
  it('logs the masked phone and the template name, never the phone or the text', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) as unknown as FastifyBaseLogger;
    await new LoggingSmsSender(log).send('13812345678', { template: 'basedata.tag_expiring', text: '【红网格】张三丰的独居老人标签将于12月1日到期' });
    const out = lines.join('');
    expect(out).toContain('138****5678');
    expect(out).toContain('basedata.tag_expiring');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('张三丰');
  });
});

describe('http SMS sender', () => {
  let server: Server;
  let url: string;
  const received: unknown[] = [];
  let answer = 200;
  let hang = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(JSON.parse(body));
        if (hang) return; // never answers: the sender's timeout must end the wait
        res.statusCode = answer;
        res.end(answer === 200 ? '{"ok":true}' : '{"error":"13812345678 rejected"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts phone, text and template as JSON and accepts a 2xx', async () => {
    answer = 200;
    await new HttpSmsSender(url, 2000).send('13812345678', { template: 't.x', text: '你好' });
    expect(received.at(-1)).toEqual({ phone: '13812345678', text: '你好', template: 't.x' });
  });

  it('throws on a 5xx with the status only (the gateway body may echo the phone)', async () => {
    answer = 503;
    const err = await new HttpSmsSender(url, 2000).send('13812345678', { template: 't.x', text: '你好' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('gateway answered 503');
  });

  it('gives up waiting for a gateway that does not answer', async () => {
    hang = true;
    const err = await new HttpSmsSender(url, 200).send('13812345678', { template: 't.x', text: '你好' }).catch((e: unknown) => e);
    hang = false;
    expect((err as Error).message).toBe('gateway did not answer within 200 ms');
  });

  it('names an unreachable gateway', async () => {
    const err = await new HttpSmsSender('http://127.0.0.1:1/sms', 1000).send('13812345678', { template: 't.x', text: '你好' }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('gateway unreachable');
  });
});
