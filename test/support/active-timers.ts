// How many timers the process holds right now: tests of idle code assert that it arms no more than it says.
export function countTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}
