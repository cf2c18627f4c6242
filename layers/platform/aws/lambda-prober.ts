import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { DomainError } from '../../errors.ts';
import type { BrowserRunner, Prober, ToolInvoker } from '../ports.ts';

/** Invokes a function synchronously with `{ [key]: payload }` and returns its JSON answer. */
async function invoke(client: LambdaClient, functionName: string, key: string, payload: unknown): Promise<unknown> {
  const out = await client
    .send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify({ [key]: payload })),
      }),
    )
    .catch((err: unknown) => {
      // All of the function's reserved concurrency is busy (the browser's with scheduled checks): a 503, not a 500.
      if (err instanceof TooManyRequestsException) throw new DomainError('UNAVAILABLE', `${functionName} is busy; try again shortly`, { retryAfter: 30 });
      throw err;
    });
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  if (out.FunctionError) throw new Error(`${functionName} failed: ${out.FunctionError}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

/** "Check now" from the in-VPC API: invokes the checker function (outside the VPC) and waits. */
export class LambdaProber implements Prober {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  probe(checkMessage: unknown): Promise<unknown> {
    return invoke(this.client, this.functionName, 'probe', checkMessage);
  }
}

/** Browser jobs on demand: invokes the Chromium container function with `{ job }`. */
export class LambdaBrowserRunner implements BrowserRunner {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  run(job: unknown): Promise<unknown> {
    return invoke(this.client, this.functionName, 'job', job);
  }
}

/** The tools routes from the in-VPC API: invokes the tools function (outside the VPC) with `{ tool }`. */
export class LambdaToolInvoker implements ToolInvoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  invoke(tool: { name: string; input: unknown }): Promise<unknown> {
    return invoke(this.client, this.functionName, 'tool', tool);
  }
}

export function createLambdaToolInvoker(functionName: string, region?: string): LambdaToolInvoker {
  return new LambdaToolInvoker(new LambdaClient(region ? { region } : {}), functionName);
}

export function createLambdaBrowserRunner(functionName: string, region?: string): LambdaBrowserRunner {
  return new LambdaBrowserRunner(new LambdaClient(region ? { region } : {}), functionName);
}

export function createLambdaProber(functionName: string, region?: string): LambdaProber {
  return new LambdaProber(new LambdaClient(region ? { region } : {}), functionName);
}
