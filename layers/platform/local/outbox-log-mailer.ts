import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock, type Clock, type MailMessage, type Mailer } from '../ports.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.ts';

// Without SMTP_URL, local mode "sends" email by appending it to a JSON-lines file, so alerts can be
// read (or asserted on) without a mail server. One line per message, never rewritten.

export interface OutboxLogEntry extends MailMessage {
  sent_at: string;
  from: string;
}

export class OutboxLogMailer implements Mailer {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly path: string,
    private readonly from = 'Py_Monitor <alerts@py-monitor.local>',
    private readonly clock: Clock = systemClock,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.ready ??= mkdir(dirname(this.path), { recursive: true, mode: PRIVATE_DIR_MODE });
    await this.ready;
    const entry: OutboxLogEntry = { sent_at: this.clock.now().toISOString(), from: this.from, ...message };
    // One appendFile per line: each write is a single O_APPEND write, so concurrent sends never interleave.
    await appendFile(this.path, JSON.stringify(entry) + '\n', { encoding: 'utf8', mode: PRIVATE_FILE_MODE });
  }
}
