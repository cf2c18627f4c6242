import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import { projectRoot } from './house-function.ts';

/**
 * Same URLs as the local server (layers/wiring/local/server.ts): the dashboard lives under
 * /frontend/, `/` redirects to its index page and `/favicon.ico` (asked for by browsers on their own)
 * to the dashboard's icon.
 */
export const ROOT_REDIRECT_CODE = `
function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '' || uri === '/frontend' || uri === '/frontend/') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/frontend/html/index.html' } } };
  }
  if (uri === '/favicon.ico') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/frontend/favicon.svg' } } };
  }
  return event.request;
}
`;

/**
 * On /api/*: the viewer's address in a header the API reads for sign-in limits (layers/endpoints/client-ip.ts);
 * whatever the viewer sent under that name is replaced.
 */
export const VIEWER_ADDRESS_CODE = `
function handler(event) {
  var request = event.request;
  request.headers['x-pymonitor-viewer-address'] = { value: event.viewer.ip };
  return request;
}
`;

/** Query parameters a badge route reads (spec 10); each one is part of the cache key, nothing else is. */
export const BADGE_QUERY_PARAMETERS = ['period', 'label', 'color', 'style', 'format'];

/**
 * Public, unauthenticated reads CloudFront may cache, for as long as the API's Cache-Control says.
 * Reads only: other methods on these paths are refused at the edge, and no viewer header or cookie
 * reaches the API, so a response can never depend on who asked.
 */
export const CACHED_PUBLIC_PATHS = { status: ['/api/v1/status', '/api/v1/status/*'], badge: ['/api/v1/badge/*'] };

/**
 * The dashboard and public status pages: a private S3 bucket behind CloudFront with origin access
 * control, `/api/*` forwarded uncached to the HTTP API except the cached public reads, HTTPS only,
 * security headers on every response.
 */
export class Web extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly siteBucket: s3.Bucket;
  /** Sent by CloudFront to the API with every request (X-PyMonitor-Origin): the API believes the viewer address only with it. */
  readonly originKey: string;

  constructor(scope: Construct, id: string, props: { config: DeployConfig; apiDomainName: string; wsUrl: string; wsHost: string }) {
    super(scope, id);
    const { config } = props;
    this.siteBucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Rebuilt from frontend/ on every deploy, so nothing here needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Py_Monitor security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob: https:",
            `connect-src 'self' wss://${props.wsHost}`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
          ].join('; '),
          override: true,
        },
      },
    });

    const rootRedirect = new cloudfront.Function(this, 'RootRedirect', {
      code: cloudfront.FunctionCode.fromInline(ROOT_REDIRECT_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Redirect / to the dashboard, as the local server does',
    });

    // The stack's own UUID: unique per stack, never shown to viewers, stable across deploys.
    this.originKey = Fn.select(2, Fn.split('/', Stack.of(this).stackId));
    const apiOrigin = new origins.HttpOrigin(props.apiDomainName, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      // An origin custom header replaces a viewer's header of the same name.
      customHeaders: { 'x-pymonitor-origin': this.originKey },
    });
    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      code: cloudfront.FunctionCode.fromInline(VIEWER_ADDRESS_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: "The viewer's address for the API's sign-in limits",
    });
    // TTL 0 by default: a response without Cache-Control is not kept; with one, its max-age rules.
    const publicRead = (name: string, queryStrings: cloudfront.CacheQueryStringBehavior): cloudfront.BehaviorOptions => ({
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: new cloudfront.CachePolicy(this, `${name}CachePolicy`, {
        comment: `Py_Monitor ${name}: cached as the API's Cache-Control says`,
        defaultTtl: Duration.seconds(0),
        minTtl: Duration.seconds(0),
        maxTtl: Duration.days(1),
        queryStringBehavior: queryStrings,
        headerBehavior: cloudfront.CacheHeaderBehavior.none(),
        cookieBehavior: cloudfront.CacheCookieBehavior.none(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      }),
      responseHeadersPolicy: securityHeaders,
      compress: true,
    });
    // Status routes take no query parameters (spec 9.2) today; all of them are in the key so a later one is never ignored.
    const statusRead = publicRead('StatusPages', cloudfront.CacheQueryStringBehavior.all());
    const badgeRead = publicRead('Badges', cloudfront.CacheQueryStringBehavior.allowList(...BADGE_QUERY_PARAMETERS));

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Py_Monitor dashboard, status pages and API',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(config.certificateArn && config.domainNames.length > 0
        ? {
            domainNames: config.domainNames,
            // Only settable with a custom certificate; the default *.cloudfront.net one has a fixed policy.
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn),
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
        functionAssociations: [{ function: rootRedirect, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      // More specific paths first: CloudFront uses the first pattern that matches.
      additionalBehaviors: {
        ...Object.fromEntries(CACHED_PUBLIC_PATHS.status.map((path) => [path, statusRead])),
        ...Object.fromEntries(CACHED_PUBLIC_PATHS.badge.map((path) => [path, badgeRead])),
        '/api/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // The API needs the viewer's headers (Authorization, X-Forwarded-For for rate limits) but
          // must see its own Host, or API Gateway cannot route the request.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
          functionAssociations: [{ function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });

    // Files keep their local paths (/frontend/...). The dashboard learns where the WebSocket API lives
    // from /frontend/config.json; locally it is same-origin /ws/{user_id}.
    const frontendDir = join(projectRoot, 'frontend');
    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.siteBucket,
      destinationKeyPrefix: 'frontend/',
      sources: [
        // Build-only files stay home (scripts, types, tsconfig); config.json is the local one, replaced below.
        ...(existsSync(frontendDir) ? [s3deploy.Source.asset(frontendDir, { exclude: ['scripts', 'tsconfig.json', '*.d.ts', 'config.json'] })] : []),
        s3deploy.Source.jsonData('config.json', { apiBase: '/api/v1', wsUrl: props.wsUrl }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
  }
}
