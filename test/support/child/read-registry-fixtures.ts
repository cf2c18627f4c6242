import { readRdapAnswer, readWhoisAnswer } from '../../../layers/checks/registry-answer.ts';
import { parseRegistryDate } from '../../../layers/checks/registry-date.ts';
import { registryFixtures } from '../../fixtures/registry-answers.ts';

// Run in a child process with another TZ: prints what the readers make of every fixture, so a test
// can compare it with the answers read in its own zone.
const out: Record<string, string | null> = {};
for (const f of registryFixtures()) {
  const facts = f.source === 'whois' ? readWhoisAnswer(f.answer, f.domain) : readRdapAnswer(JSON.parse(f.answer), f.domain);
  out[f.id] = 'ok' in facts && !facts.ok ? null : (facts.expires?.toISOString() ?? null);
}
for (const s of ['2014-08-22 10:32:43', '26-Mar-2014 06:48:27', 'Mon Apr 25 23:59:59 2016', '4.7.2014', '2014-08-22']) {
  const r = parseRegistryDate(s, { order: 'dmy' });
  out[`date:${s}`] = r.ok ? r.date.toISOString() : null;
}
process.stdout.write(JSON.stringify({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone, offset: new Date('2026-01-15T12:00:00Z').getTimezoneOffset(), out }));
