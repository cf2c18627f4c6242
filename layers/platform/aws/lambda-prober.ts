import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ToolEnv, ToolResult } from '../../checks/index.ts';
import { ToolInputError, type ToolName } from '../../checks/schemas.ts';
import type { BrowserRunner, Prober, ToolAnswer, ToolRunner } from '../ports.ts';

/** Invokes a function synchronously with `{ [key]: payload }` and returns its JSON answer. */
async function invoke(client: LambdaClient, functionName: string, key: string, payload: unknown): Promise<unknown> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify({ [key]: payload })),
    }),
  );
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
export class LambdaToolRunner implements ToolRunner {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  /** `env` is the tools function's own (its configuration), not the caller's. */
  async run(name: ToolName, input: unknown, _env: ToolEnv): Promise<ToolResult> {
    const answer = (await invoke(this.client, this.functionName, 'tool', { name, input })) as ToolAnswer;
    if (!answer.ok) throw new ToolInputError(answer.message, answer.errors);
    return answer.result;
  }
}

export function createLambdaToolRunner(functionName: string, region?: string): LambdaToolRunner {
  return new LambdaToolRunner(new LambdaClient(region ? { region } : {}), functionName);
}

export function createLambdaBrowserRunner(functionName: string, region?: string): LambdaBrowserRunner {
  return new LambdaBrowserRunner(new LambdaClient(region ? { region } : {}), functionName);
}

export function createLambdaProber(functionName: string, region?: string): LambdaProber {
  return new LambdaProber(new LambdaClient(region ? { region } : {}), functionName);
}
