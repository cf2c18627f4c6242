import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Prober } from '../ports.ts';

/** "Check now" from the in-VPC API: invokes the checker function (outside the VPC) and waits. */
export class LambdaProber implements Prober {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async probe(checkMessage: unknown): Promise<unknown> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify({ probe: checkMessage })),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) throw new Error(`checker failed: ${out.FunctionError}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as unknown;
  }
}

export function createLambdaProber(functionName: string, region?: string): LambdaProber {
  return new LambdaProber(new LambdaClient(region ? { region } : {}), functionName);
}
