import type { Browser } from 'playwright-core';
import * as z from 'zod';

/** Starts one Chromium process. The pool owns its lifetime. */
export interface BrowserLauncher {
  readonly name: string;
  launch(): Promise<LaunchedBrowser>;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** Chromium in --single-process mode hosts one browser context in its lifetime: a page in a second one kills it. */
  singleContext: boolean;
}

async function launchChromium(executablePath: string, args: string[]): Promise<LaunchedBrowser> {
  // Loaded on the first launch: playwright-core is ~6.5 MB of code that a process with no browser
  // work (most local installations between deep checks, the check pipeline) need not hold and mark.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  return { browser, singleContext: args.includes('--single-process') };
}

/**
 * Flags for a headless, quiet, container-friendly Chromium. WebRTC may not use UDP that bypasses the proxy
 * (so none at all: the policy proxy carries no UDP), because its STUN/TURN and peer traffic would reach
 * addresses the address policy never sees. (`--force-webrtc-ip-handling-policy` has no effect.)
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];

export interface SystemChromiumOptions {
  /** Config CHROMIUM_PATH (default /usr/bin/chromium). */
  executablePath: string;
  extraArgs?: readonly string[];
}

/** The machine's Chromium, driven by playwright-core (local mode and tests). */
export function createSystemChromiumLauncher(options: SystemChromiumOptions): BrowserLauncher {
  return {
    name: `chromium:${options.executablePath}`,
    launch: () => launchChromium(options.executablePath, [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])]),
  };
}

const argsSchema = z.array(z.string());

/**
 * Reads @sparticuz/chromium's default export, a class with static `args` and `executablePath()`
 * (so typeof 'function', not a plain object), without trusting its shape.
 */
function readSparticuz(loaded: unknown): { args: string[]; executablePath: () => Promise<unknown> } {
  const candidate: unknown = loaded && typeof loaded === 'object' && 'default' in loaded ? loaded.default : loaded;
  if ((typeof candidate !== 'object' && typeof candidate !== 'function') || candidate === null) {
    throw new Error('@sparticuz/chromium has no default export');
  }
  const args = argsSchema.parse(Reflect.get(candidate, 'args'));
  const executablePath: unknown = Reflect.get(candidate, 'executablePath');
  if (typeof executablePath !== 'function') throw new Error('@sparticuz/chromium has no executablePath()');
  return { args, executablePath: async () => Reflect.apply(executablePath, candidate, []) };
}

export interface LambdaChromiumOptions {
  extraArgs?: readonly string[];
  /** Module to load; only tests change it. */
  moduleName?: string;
}

/**
 * @sparticuz/chromium inside the container Lambda. It is imported only when launching, with a computed
 * specifier, so local installs and bundles never need it (the container image provides it).
 */
export function createLambdaChromiumLauncher(options: LambdaChromiumOptions = {}): BrowserLauncher {
  const moduleName = options.moduleName ?? '@sparticuz/chromium';
  return {
    name: `lambda:${moduleName}`,
    launch: async () => {
      const sparticuz = readSparticuz(await import(/* @vite-ignore */ moduleName));
      const executablePath = z.string().min(1).parse(await sparticuz.executablePath());
      const args = [...new Set([...sparticuz.args, ...CHROMIUM_ARGS, ...(options.extraArgs ?? [])])];
      // The package's arguments include --single-process (Chromium hangs on Lambda without it).
      return launchChromium(executablePath, args);
    },
  };
}

export interface ChromiumLauncherOptions {
  /** Config MODE: 'aws' uses @sparticuz/chromium, 'local' the system Chromium. */
  mode: 'local' | 'aws';
  executablePath: string;
  extraArgs?: readonly string[];
}

export function createChromiumLauncher(options: ChromiumLauncherOptions): BrowserLauncher {
  return options.mode === 'aws'
    ? createLambdaChromiumLauncher({ extraArgs: options.extraArgs ?? [] })
    : createSystemChromiumLauncher({ executablePath: options.executablePath, extraArgs: options.extraArgs ?? [] });
}
