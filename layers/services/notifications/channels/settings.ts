import * as z from 'zod';

// Settings fields several channels share.

/** An http(s) URL; the SSRF policy is applied again to the address at every delivery. */
export const webUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((u) => {
    try {
      const p = new URL(u);
      return (p.protocol === 'http:' || p.protocol === 'https:') && p.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http or https URL');
