import Sparticuz from '@sparticuz/chromium';

// The installed @sparticuz/chromium as the container loads it (same class shape, its own launch
// arguments), pointing at the system Chromium so tests never unpack the package's binary.
export default class SystemSparticuzChromium {
  static get args(): string[] {
    return Sparticuz.args;
  }

  static async executablePath(): Promise<string> {
    return '/usr/bin/chromium';
  }
}
