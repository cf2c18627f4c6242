import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiGatewayPush } from '../../../layers/platform/aws/apigw-push.ts';
import { createAwsPorts } from '../../../layers/platform/aws/index.ts';
import { S3Blobs } from '../../../layers/platform/aws/s3-blobs.ts';
import { databaseSecretSchema, JsonSecrets, jwtSecretSchema, SecretError } from '../../../layers/platform/aws/secrets.ts';
import { SesMailer } from '../../../layers/platform/aws/ses-mailer.ts';
import { loadConfig } from '../../../layers/config.ts';

// SES, the WebSocket management API, S3 and Secrets Manager cannot run here: they are replaced at the
// SDK boundary, and the tests assert the requests the adapters make.
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

describe('SES mailer', () => {
  const ses = mockClient(SESClient);
  beforeEach(() => ses.reset());

  it('sends text and HTML from the configured sender', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await new SesMailer(new SESClient({ region, credentials }), 'alerts@example.com').send({
      to: 'owner@example.org',
      subject: '[DOWN] shop',
      text: 'shop is down',
      html: '<p>shop is down</p>',
    });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      Source: 'alerts@example.com',
      Destination: { ToAddresses: ['owner@example.org'] },
      Message: {
        Subject: { Data: '[DOWN] shop', Charset: 'UTF-8' },
        Body: { Text: { Data: 'shop is down', Charset: 'UTF-8' }, Html: { Data: '<p>shop is down</p>', Charset: 'UTF-8' } },
      },
    });
  });

  it('sends text only when there is no HTML, and surfaces SES errors', async () => {
    ses.on(SendEmailCommand).resolvesOnce({ MessageId: 'm-2' }).rejectsOnce(new Error('MessageRejected: Email address is not verified'));
    const mailer = new SesMailer(new SESClient({ region, credentials }), 'alerts@example.com');
    await mailer.send({ to: 'a@example.org', subject: 's', text: 't' });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message?.Body).toEqual({ Text: { Data: 't', Charset: 'UTF-8' } });
    await expect(mailer.send({ to: 'a@example.org', subject: 's', text: 't' })).rejects.toThrow(/not verified/);
  });
});

describe('API Gateway push', () => {
  const apigw = mockClient(ApiGatewayManagementApiClient);
  beforeEach(() => apigw.reset());
  const push = () => new ApiGatewayPush(new ApiGatewayManagementApiClient({ region, credentials, endpoint: 'https://ws.example.com/live' }));

  it('posts JSON to the connection', async () => {
    apigw.on(PostToConnectionCommand).resolves({});
    expect(await push().post('conn-1', { type: 'status', projectId: 3 })).toBe('ok');
    const input = apigw.commandCalls(PostToConnectionCommand)[0]?.args[0].input;
    expect(input?.ConnectionId).toBe('conn-1');
    expect(new TextDecoder().decode(input?.Data as Uint8Array)).toBe('{"type":"status","projectId":3}');
  });

  it('posts strings as they are', async () => {
    apigw.on(PostToConnectionCommand).resolves({});
    await push().post('conn-1', 'pong');
    expect(new TextDecoder().decode(apigw.commandCalls(PostToConnectionCommand)[0]?.args[0].input.Data as Uint8Array)).toBe('pong');
  });

  it('reports a closed connection as gone', async () => {
    apigw.on(PostToConnectionCommand).rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
    expect(await push().post('conn-2', {})).toBe('gone');
  });

  it('throws any other failure', async () => {
    apigw.on(PostToConnectionCommand).rejects(Object.assign(new Error('rate exceeded'), { name: 'LimitExceededException' }));
    await expect(push().post('conn-3', {})).rejects.toThrow(/rate exceeded/);
  });

  it('closes a connection whose session ended; one already gone is not an error', async () => {
    apigw.on(DeleteConnectionCommand, { ConnectionId: 'conn-4' }).resolves({});
    apigw.on(DeleteConnectionCommand, { ConnectionId: 'conn-5' }).rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
    await push().close('conn-4');
    await push().close('conn-5');
    expect(apigw.commandCalls(DeleteConnectionCommand).map((c) => c.args[0].input.ConnectionId)).toEqual(['conn-4', 'conn-5']);
  });
});

describe('S3 blobs', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  const blobs = () => new S3Blobs(new S3Client({ region, credentials }), 'blob-bucket');

  it('puts an object with its content type', async () => {
    s3.on(PutObjectCommand).resolves({});
    await blobs().put('screenshots/1/2.png', new Uint8Array([1, 2, 3]), 'image/png');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'blob-bucket',
      Key: 'screenshots/1/2.png',
      Body: new Uint8Array([1, 2, 3]),
      ContentType: 'image/png',
    });
  });

  it('gets an object back', async () => {
    const body = { transformToByteArray: async () => new Uint8Array([9, 8]) };
    s3.on(GetObjectCommand, { Bucket: 'blob-bucket', Key: 'k' }).resolves({ Body: body as never, ContentType: 'image/png' });
    expect(await blobs().get('k')).toEqual({ data: new Uint8Array([9, 8]), contentType: 'image/png' });
  });

  it('answers undefined for a missing key', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } }));
    expect(await blobs().get('missing')).toBeUndefined();
  });
});

describe('JSON secrets', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());
  const dbSecret = { username: 'pymonitor', password: 'p4ss', host: 'db.internal', port: 5432, dbname: 'pymonitor', engine: 'postgres' };

  it('reads a secret once per container', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(dbSecret) });
    const secrets = new JsonSecrets(new SecretsManagerClient({ region, credentials }));
    const [a, b] = await Promise.all([secrets.read('arn:db', databaseSecretSchema), secrets.read('arn:db', databaseSecretSchema)]);
    await secrets.read('arn:db', databaseSecretSchema);
    expect(a).toEqual({ username: 'pymonitor', password: 'p4ss', host: 'db.internal', port: 5432, dbname: 'pymonitor' });
    expect(b).toBe(a);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names the bad fields of a malformed secret without its values, and retries next time', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{"secret":"short"}' }).resolves({ SecretString: JSON.stringify({ secret: 'k'.repeat(64) }) });
    const secrets = new JsonSecrets(new SecretsManagerClient({ region, credentials }));
    const err = await secrets.read('arn:jwt', jwtSecretSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect(String(err)).toContain('secret');
    expect(String(err)).not.toContain('short');
    expect(await secrets.read('arn:jwt', jwtSecretSchema)).toEqual({ secret: 'k'.repeat(64) });
  });

  it('builds TLS postgres options from the Aurora secret', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'arn:db' }).resolves({ SecretString: JSON.stringify(dbSecret) });
    const ports = createAwsPorts(loadConfig({ MODE: 'aws', AWS_REGION: region, DATABASE_SECRET_ARN: 'arn:db' }));
    expect(await ports.databaseOptions()).toEqual({
      host: 'db.internal',
      port: 5432,
      user: 'pymonitor',
      password: 'p4ss',
      database: 'pymonitor',
      max: 10,
      ssl: true,
    });
  });
});

describe('AWS ports from config', () => {
  it('creates only the adapters the function was bound to', () => {
    const checker = createAwsPorts(loadConfig({ MODE: 'aws', AWS_REGION: region, RESULTS_QUEUE_URL: 'https://sqs/results' }));
    expect(checker.queue).toBeDefined();
    expect([checker.blobs, checker.mailer, checker.push, checker.connections]).toEqual([undefined, undefined, undefined, undefined]);
    const notifier = createAwsPorts(
      loadConfig({
        MODE: 'aws',
        AWS_REGION: region,
        SES_FROM: 'alerts@example.com',
        WS_ENDPOINT: 'https://ws.example.com/live',
        CONNECTIONS_TABLE: 'connections',
      }),
    );
    expect(notifier.mailer).toBeInstanceOf(SesMailer);
    expect(notifier.push).toBeInstanceOf(ApiGatewayPush);
    expect(notifier.connections).toBeDefined();
    expect(notifier.deliveryLog).toBeDefined();
  });
});
