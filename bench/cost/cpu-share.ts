import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';

/** Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion below. */
export const LAMBDA_MB_PER_VCPU = 1769;

export const shareOf = (memoryMb: number) => memoryMb / LAMBDA_MB_PER_VCPU;

/**
 * Holds process `pid` to the CPU share Lambda gives `memoryMb` (a cgroup v1 CPU quota; needs root).
 * Returns the release, which removes the cgroup once the process has exited.
 */
export function holdToLambdaShare(pid: number, memoryMb: number): () => void {
  const cgroup = `/sys/fs/cgroup/cpu/cost-bench-${process.pid}`;
  if (!existsSync(cgroup)) mkdirSync(cgroup);
  writeFileSync(`${cgroup}/cpu.cfs_period_us`, '100000');
  writeFileSync(`${cgroup}/cpu.cfs_quota_us`, String(Math.round(shareOf(memoryMb) * 100_000)));
  writeFileSync(`${cgroup}/cgroup.procs`, String(pid));
  return () => rmdirSync(cgroup);
}
