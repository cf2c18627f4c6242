// Stands in for @sparticuz/chromium (not installed locally): same export shape, pointing at the system Chromium.
export default {
  args: ['--no-zygote'],
  executablePath: async (): Promise<string> => '/usr/bin/chromium',
};
