import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../../config.ts';
import { maskPhone } from '../../platform/masking.ts';

/**
 * The SMS channel, pluggable: a deployment chooses a sender by configuration (REDGRID_SMS). The
 * phone arrives here unsealed, for this one call; nothing of it is kept or logged in full.
 */
export interface SmsMessage {
  /** Which kind of message (the notification's kind): what the logging sender writes instead of the text. */
  template: string;
  text: string;
}

export interface SmsSender {
  readonly name: string;
  /** Resolves when the gateway has accepted the message; throws otherwise (the outbox retries). */
  send(phone: string, message: SmsMessage): Promise<void>;
}

/** The default: no gateway, a log line with the masked phone and the template name, never the text. */
export class LoggingSmsSender implements SmsSender {
  readonly name = 'log';
  constructor(private readonly log: FastifyBaseLogger) {}

  async send(phone: string, message: SmsMessage): Promise<void> {
    this.log.info({ sms: { to: maskPhone(phone), template: message.template, chars: message.text.length } }, 'sms (logging sender: not sent)');
  }
}

export class SmsGatewayError extends Error {
  override readonly name = 'SmsGatewayError';
}

/**
 * Posts `{ phone, text, template }` as JSON to a configured gateway (an operator's SMS service or an
 * adapter in front of one) and waits at most `timeoutMs`. A 2xx is accepted; anything else, a
 * timeout or a refused connection throws, with the status only (the gateway's body may echo the phone).
 */
export class HttpSmsSender implements SmsSender {
  readonly name = 'http';
  constructor(private readonly url: string, private readonly timeoutMs: number) {}

  async send(phone: string, message: SmsMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ phone, text: message.text, template: message.template }),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new SmsGatewayError(timedOut ? `gateway did not answer within ${this.timeoutMs} ms` : 'gateway unreachable');
    }
    // Drain the body so the connection is reused; its content is not trusted with our logs.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new SmsGatewayError(`gateway answered ${res.status}`);
  }
}

/** The sender the configuration names. */
export function smsSenderFrom(config: Pick<AppConfig, 'sms'>, log: FastifyBaseLogger): SmsSender {
  if (config.sms.sender === 'http') {
    if (!config.sms.url) throw new Error('REDGRID_SMS=http needs REDGRID_SMS_URL');
    return new HttpSmsSender(config.sms.url, config.sms.timeoutMs);
  }
  return new LoggingSmsSender(log);
}
