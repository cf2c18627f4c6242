import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config.ts';
import type { Blobs } from '../ports.ts';
import { clientOptions } from './client-options.ts';

/** The Blobs port on one S3 bucket; keys are used as given (screenshots live under `screenshots/`). */
export class S3Blobs implements Blobs {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, data: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: data, ContentType: contentType }));
  }

  async get(key: string): Promise<{ data: Uint8Array; contentType: string } | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return undefined;
      return { data: await out.Body.transformToByteArray(), contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof Error && (err.name === 'NoSuchKey' || err.name === 'NotFound'))) return undefined;
      throw err;
    }
  }
}

/** Present when the function was bound to the bucket (BLOB_BUCKET). */
export function createS3Blobs(config: Config): S3Blobs | undefined {
  return config.BLOB_BUCKET ? new S3Blobs(new S3Client(clientOptions(config)), config.BLOB_BUCKET) : undefined;
}
