import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registryFixtures, scoreFixtures, type AccuracyReport } from '../../test/fixtures/registry-answers.ts';
import { startHttpServer } from '../../test/support/servers/http-server.ts';
import { startWhoisServer } from '../../test/support/servers/whois-server.ts';

// Domain-expiry accuracy on the project's own registry fixtures (test/fixtures/registry-answers.ts),
// end to end: each fixture is served by a loopback WHOIS or RDAP server and read by probeDomain.
// The same run is repeated with the process in several time zones (a reader must not depend on TZ).
// Run: npx tsx bench/domain/accuracy.ts [--module path/to/domain.ts]
// (`--module` scores another copy of the probe, e.g. a checkout of an older commit.)

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? '', process.argv[i + 1] ?? '');
const modulePath = resolve(args.get('--module') ?? new URL('../../layers/checks/domain.ts', import.meta.url).pathname);
const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Kiritimati'];

interface ProbeModule {
  probeDomain(input: string, opts: Record<string, unknown>): Promise<{ expires_at: string | null; error_message: string | null }>;
  clearRdapBootstrapMemo?: () => void;
}

async function scoreOnce(): Promise<AccuracyReport> {
  const fixtures = registryFixtures();
  const byDomain = new Map(fixtures.map((f) => [f.domain, f]));
  const rdapTlds = [...new Set(fixtures.filter((f) => f.source === 'rdap').map((f) => f.domain.split('.').pop() ?? ''))];
  let base = '';
  const rdap = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/bootstrap.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: '1.0', services: [[rdapTlds, [`${base}/rdap/`]]] }));
      return;
    }
    const name = decodeURIComponent(/^\/rdap\/domain\/(.+)$/.exec(path)?.[1] ?? '').toLowerCase();
    const f = byDomain.get(name);
    if (f?.source === 'rdap') res.writeHead(200, { 'content-type': 'application/rdap+json' }).end(f.answer);
    else res.writeHead(404, { 'content-type': 'application/rdap+json' }).end('{"errorCode":404}');
  });
  base = rdap.url;
  const whois = await startWhoisServer((q) => {
    const f = byDomain.get(q.toLowerCase());
    return f?.source === 'whois' ? f.answer : 'No match for domain.\r\n';
  });
  const probe = (await import(pathToFileURL(modulePath).href)) as ProbeModule;
  probe.clearRdapBootstrapMemo?.();
  try {
    return await scoreFixtures(fixtures, async (f) => {
      const r = await probe.probeDomain(f.domain, {
        allowPrivateTargets: true,
        rdapBootstrapUrl: `${rdap.url}/bootstrap.json`,
        whoisServer: whois.address,
        now: new Date('2025-06-01T00:00:00Z'),
        timeoutMs: 3000,
      });
      return { expires: r.expires_at, reason: r.error_message };
    });
  } finally {
    await Promise.all([rdap.close(), whois.close()]);
  }
}

if (args.has('--child')) {
  process.stdout.write(JSON.stringify(await scoreOnce()));
} else {
  console.log(`domain-expiry accuracy of ${modulePath}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
  for (const tz of ZONES) {
    const child = spawnSync(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, '--child', '1', '--module', modulePath], {
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (child.status !== 0) {
      console.log(`${tz}: failed\n${child.stderr}`);
      continue;
    }
    const r = JSON.parse(child.stdout) as AccuracyReport;
    const pct = ((100 * r.right) / r.withDate).toFixed(1);
    console.log(
      `TZ=${tz.padEnd(20)} fixtures ${r.total}, with an unambiguous expiry ${r.withDate}: right ${r.right} (${pct}%), wrong ${r.wrong.length} (${r.wrongTimeOnly} on the right day at another time), no date ${r.missing.length}; ambiguous given no date ${r.refused}/${r.total - r.withDate}`,
    );
    if (args.has('--details')) {
      for (const w of r.wrong) console.log(`  wrong   ${w.id}: expected ${w.expected}, got ${w.got}`);
      for (const m of r.missing) console.log(`  missing ${m.id}: ${m.reason.slice(0, 160)}`);
    }
  }
}
