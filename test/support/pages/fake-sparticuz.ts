// Stands in for @sparticuz/chromium (not installed locally): the same shape, a class with static members,
// pointing at the system Chromium.
export default class FakeSparticuzChromium {
  static get args(): string[] {
    return ['--no-zygote'];
  }

  static async executablePath(): Promise<string> {
    return this.binary;
  }

  private static readonly binary = '/usr/bin/chromium';
}
