import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime.ts';

// A real SMTP server on 127.0.0.1 that keeps every message it receives, parsed. Used to test the
// SMTP mailer and, end to end, the alerts a running Py_Monitor sends.

export interface CapturedMail extends ParsedMail {
  envelope: { from: string | undefined; to: string[] };
  /** The user name the client authenticated with, if it did. */
  user: string | undefined;
}

export interface SmtpCaptureOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (the `url` then carries them). */
  auth?: { user: string; pass: string };
  /** Serve TLS from the first byte (smtps://) with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Answer RCPT TO for some addresses with an error, e.g. 550 (permanent) or 450 (try later). */
  rejectRecipient?: (address: string) => { code: number; message: string } | undefined;
}

export interface SmtpCapture {
  port: number;
  /** `smtp://[user:pass@]127.0.0.1:port` (`smtps://` with tls), ready for SMTP_URL. */
  url: string;
  messages: CapturedMail[];
  /** Resolves once at least n messages arrived; rejects after timeoutMs (default 10 s). */
  waitFor(n: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const serverOptions: SMTPServerOptions = {
    logger: false,
    secure: options.tls !== undefined,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    // Without TLS material STARTTLS would offer smtp-server's built-in certificate; keep plain SMTP plain.
    disabledCommands: options.tls ? [] : ['STARTTLS'],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('invalid username or password'));
      }
    },
    onRcptTo(address, _session, callback) {
      const rejection = options.rejectRecipient?.(address.address);
      if (!rejection) return callback();
      const err = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const parsed = parseMail(Buffer.concat(chunks));
        const from = session.envelope.mailFrom;
        messages.push({
          ...parsed,
          envelope: { from: from ? from.address : undefined, to: session.envelope.rcptTo.map((r) => r.address) },
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
        notify();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : '';
  const url = `${options.tls ? 'smtps' : 'smtp'}://${credentials}127.0.0.1:${port}`;

  return {
    port,
    url,
    messages,
    waitFor(n, timeoutMs = 10_000) {
      if (messages.length >= n) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${n} message(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
