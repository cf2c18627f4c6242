import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { beforeAll, describe, expect, it } from 'vitest';
import { BADGE_QUERY_PARAMETERS, ROOT_REDIRECT_CODE, VIEWER_ADDRESS_CODE } from '../../lib/web.ts';
import { clientIp, ORIGIN_KEY_HEADER, VIEWER_ADDRESS_HEADER } from '../../layers/endpoints/client-ip.ts';
import { resourcesOf, synthStack, type CfnResource } from './synth.ts';

// AWS managed policy ids (CloudFront documents them as fixed).
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let template: ReturnType<typeof synthStack>['template'];
let stack: ReturnType<typeof synthStack>['stack'];
beforeAll(() => {
  ({ template, stack } = synthStack());
});

/** Every file path under a directory, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

describe('dashboard distribution', () => {
  it('serves a private bucket through origin access control over HTTPS', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          ResponseHeadersPolicyId: Match.anyValue(),
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        Origins: Match.arrayWith([
          Match.objectLike({
            OriginAccessControlId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OriginAccessControl'), 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('forwards /api/* to the HTTP API uncached, with every viewer header except Host, HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/api/*',
            CachePolicyId: CACHING_DISABLED,
            OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          }),
        ]),
        Origins: Match.arrayWith([
          Match.objectLike({
            DomainName: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('ApiHttpApi') }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]] },
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
          }),
        ]),
      }),
    });
  });

  it("caches public status and badge reads as the API's Cache-Control says, before the uncached /api/*", () => {
    type Behavior = { PathPattern: string; CachePolicyId: unknown; OriginRequestPolicyId?: unknown; AllowedMethods: string[]; TargetOriginId: string };
    const distribution = Object.values(resourcesOf(template, 'AWS::CloudFront::Distribution'))[0];
    const config = distribution?.Properties?.['DistributionConfig'] as { CacheBehaviors: Behavior[] };
    // CloudFront takes the first pattern that matches, so the specific ones must come first.
    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual(['/api/v1/status', '/api/v1/status/*', '/api/v1/badge/*', '/api/*']);
    const policies = resourcesOf(template, 'AWS::CloudFront::CachePolicy');
    const policyOf = (b: Behavior | undefined): Record<string, unknown> | undefined => {
      const ref = (b?.CachePolicyId as { Ref?: string } | undefined)?.Ref;
      return (policies[ref ?? ''] as CfnResource | undefined)?.Properties?.['CachePolicyConfig'] as Record<string, unknown> | undefined;
    };
    const api = config.CacheBehaviors[3];
    for (const behavior of config.CacheBehaviors.slice(0, 3)) {
      expect(behavior.TargetOriginId, behavior.PathPattern).toBe(api?.TargetOriginId);
      expect(behavior.AllowedMethods, behavior.PathPattern).toEqual(['GET', 'HEAD']);
      // Only what is in the cache key reaches the API: no Authorization, no cookies.
      expect(behavior.OriginRequestPolicyId, behavior.PathPattern).toBeUndefined();
      expect(policyOf(behavior), behavior.PathPattern).toMatchObject({
        DefaultTTL: 0,
        MinTTL: 0,
        MaxTTL: 86400,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        },
      });
    }
    const keyOf = (b: Behavior | undefined) =>
      (policyOf(b)?.['ParametersInCacheKeyAndForwardedToOrigin'] as { QueryStringsConfig: unknown }).QueryStringsConfig;
    expect(keyOf(config.CacheBehaviors[0])).toEqual({ QueryStringBehavior: 'all' });
    expect(keyOf(config.CacheBehaviors[1])).toEqual({ QueryStringBehavior: 'all' });
    expect(keyOf(config.CacheBehaviors[2])).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: BADGE_QUERY_PARAMETERS });
    expect(BADGE_QUERY_PARAMETERS).toEqual(['period', 'label', 'color', 'style', 'format']);
  });

  it('sends security headers with every response', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: Match.objectLike({ ReferrerPolicy: 'strict-origin-when-cross-origin' }),
          ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.anyValue() }),
        }),
      }),
    });
  });

  it('uses the custom domain and certificate when configured', () => {
    const custom = synthStack({
      domainNames: 'status.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    }).template;
    custom.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['status.example.com'],
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
  });

  it('refuses a domain name without a certificate', () => {
    expect(() => synthStack({ domainNames: 'status.example.com' })).toThrow(/certificateArn/);
  });

  it('serves the dashboard under /frontend/ like the local server, and redirects / to it', () => {
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: Match.stringLikeRegexp("/frontend/html/index.html"),
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'frontend/' });
  });

  it('redirects only the root paths (the viewer-request function, run here as plain JS)', () => {
    type Request = { uri: string };
    const handler = new Function(`${ROOT_REDIRECT_CODE}; return handler;`)() as (e: { request: Request }) => unknown;
    for (const uri of ['/', '/frontend', '/frontend/']) {
      expect(handler({ request: { uri } })).toMatchObject({ statusCode: 302, headers: { location: { value: '/frontend/html/index.html' } } });
    }
    expect(handler({ request: { uri: '/favicon.ico' } })).toMatchObject({ statusCode: 301, headers: { location: { value: '/frontend/favicon.svg' } } });
    expect(handler({ request: { uri: '/frontend/css/app.css' } })).toEqual({ uri: '/frontend/css/app.css' });
  });

  it("gives the API the viewer's address, believed only with the stack's origin key (issue 16: sign-in limits behind CloudFront)", () => {
    // CloudFront: a viewer-request function on /api/* and the origin key on the API origin.
    const distribution = Object.values(resourcesOf(template, 'AWS::CloudFront::Distribution'))[0]!;
    const config = (distribution.Properties as { DistributionConfig: { CacheBehaviors: { PathPattern: string; FunctionAssociations?: { FunctionARN: unknown }[] }[]; Origins: { DomainName: unknown; OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] }[] } }).DistributionConfig;
    const api = config.CacheBehaviors.find((b) => b.PathPattern === '/api/*')!;
    expect(api.FunctionAssociations).toHaveLength(1);
    const functions = resourcesOf(template, 'AWS::CloudFront::Function');
    const viewerFn = Object.entries(functions).find(([, r]) => String((r.Properties as { FunctionCode: string }).FunctionCode).includes(VIEWER_ADDRESS_HEADER));
    expect(viewerFn, 'the viewer address function').toBeDefined();
    expect(JSON.stringify(api.FunctionAssociations![0]!.FunctionARN)).toContain(viewerFn![0]);
    const apiOrigins = config.Origins.filter((o) => JSON.stringify(o.DomainName).includes('ApiHttpApi'));
    expect(apiOrigins.length).toBeGreaterThan(0);
    const originKey = apiOrigins[0]!.OriginCustomHeaders?.find((h) => h.HeaderName === ORIGIN_KEY_HEADER)?.HeaderValue;
    expect(originKey).toBeDefined();
    // The API function holds the same key.
    const lambdas = resourcesOf(template, 'AWS::Lambda::Function');
    const apiFn = Object.values(lambdas).find((r) => JSON.stringify(r.Properties).includes('VIEWER_ADDRESS_KEY'));
    expect((apiFn!.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables['VIEWER_ADDRESS_KEY']).toEqual(originKey);

    // The function, run as plain JS, replaces whatever the viewer sent under that name.
    type Req = { headers: Record<string, { value: string }> };
    const handler = new Function(`${VIEWER_ADDRESS_CODE}; return handler;`)() as (e: { request: Req; viewer: { ip: string } }) => Req;
    const out = handler({ request: { headers: { [VIEWER_ADDRESS_HEADER]: { value: '6.6.6.6' } } }, viewer: { ip: '203.0.113.9' } });
    expect(out.headers[VIEWER_ADDRESS_HEADER]).toEqual({ value: '203.0.113.9' });

    // The API: the viewer's address with the key; API Gateway's sourceIp (the edge, or a direct caller) without it.
    const event = (headers: Record<string, string>) => ({ headers, requestContext: { http: { sourceIp: '130.176.0.1' } } }) as unknown as Parameters<typeof clientIp>[0];
    const key = { VIEWER_ADDRESS_KEY: 'stack-key' };
    expect(clientIp(event({ [ORIGIN_KEY_HEADER]: 'stack-key', [VIEWER_ADDRESS_HEADER]: '203.0.113.9' }), key)).toBe('203.0.113.9');
    expect(clientIp(event({ [ORIGIN_KEY_HEADER]: 'guess', [VIEWER_ADDRESS_HEADER]: '203.0.113.9' }), key)).toBe('130.176.0.1');
    expect(clientIp(event({ [VIEWER_ADDRESS_HEADER]: '203.0.113.9', 'x-forwarded-for': '203.0.113.9' }), key)).toBe('130.176.0.1');
    expect(clientIp(event({ [ORIGIN_KEY_HEADER]: 'stack-key', [VIEWER_ADDRESS_HEADER]: 'not an address' }), key)).toBe('130.176.0.1');
    expect(clientIp(event({ [ORIGIN_KEY_HEADER]: 'stack-key', [VIEWER_ADDRESS_HEADER]: '203.0.113.9' }), { VIEWER_ADDRESS_KEY: undefined })).toBe('130.176.0.1');
  });

  it('publishes the WebSocket URL to the dashboard as config.json', () => {
    const deployment = Object.values(resourcesOf(template, 'Custom::CDKBucketDeployment'))[0];
    expect(JSON.stringify(deployment?.Properties?.['SourceMarkers'])).toMatch(/RealtimeWebSocketApi/);
  });

  it('uploads the pages, their modules, locales and the vendored uPlot, but no build-only file', () => {
    const outdir = Stage.of(stack)!.outdir;
    const staged = stack.node.findAll().filter((c): c is Asset => c instanceof Asset).map((a) => join(outdir, a.assetPath));
    const site = staged.filter((dir) => statSync(dir).isDirectory()).find((dir) => filesUnder(dir).includes(join('html', 'index.html')));
    expect(site).toBeDefined();
    const files = filesUnder(site!);
    for (const f of ['html/index.html', 'js/boot.js', 'js/pages/dashboard.js', 'js/lib/api.js', 'locales/ko.json', 'locales/en.json', 'favicon.svg', 'vendor/uplot/uPlot.esm.min.js', 'vendor/uplot/LICENSE']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('scripts/') || f.endsWith('.d.ts') || f === 'tsconfig.json' || f === 'config.json')).toEqual([]);
    expect(readFileSync(join(site!, 'vendor/uplot/uPlot.esm.min.js'), 'utf8')).toMatch(/^\/\*! uPlot /);
  });
});
