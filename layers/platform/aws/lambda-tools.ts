import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { DomainError } from '../../errors.ts';
import type { BrowserRunner, ToolInvoker } from '../ports.ts';

/** The tools routes from the in-VPC API: invokes the tools function (outside the VPC) with `{ tool }` and waits for its answer. */
export class LambdaToolInvoker implements ToolInvoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async invoke(tool: { name: string; input: unknown }): Promise<unknown> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify({ tool })),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    // The function ran out of time (its timeout is under API Gateway's 29 s): the caller may retry.
    if (out.FunctionError && /Task timed out/.test(text)) throw new DomainError('UNAVAILABLE', 'the tool did not finish in time; try again');
    if (out.FunctionError) throw new Error(`${this.functionName} failed: ${out.FunctionError}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as unknown;
  }
}

export function createLambdaToolInvoker(functionName: string, region?: string): LambdaToolInvoker {
  return new LambdaToolInvoker(new LambdaClient(region ? { region } : {}), functionName);
}

/** PDF printing from the in-VPC API: invokes the Chromium container function with `{ job }` and waits for its answer. */
export class LambdaBrowserRunner implements BrowserRunner {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async run(job: unknown): Promise<unknown> {
    const out = await this.client
      .send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify({ job })) }))
      .catch((err: unknown) => {
        // All of the function's reserved concurrency is busy (with scheduled checks): a 503, not a 500.
        if (err instanceof TooManyRequestsException) throw new DomainError('UNAVAILABLE', `${this.functionName} is busy; try again shortly`, { retryAfter: 30 });
        throw err;
      });
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) throw new Error(`${this.functionName} failed: ${out.FunctionError}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as unknown;
  }
}

export function createLambdaBrowserRunner(functionName: string, region?: string): LambdaBrowserRunner {
  return new LambdaBrowserRunner(new LambdaClient(region ? { region } : {}), functionName);
}
