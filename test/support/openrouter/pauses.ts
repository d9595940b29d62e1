/**
 * The fake OpenRouter's waits (between stream events, before a delayed answer): timers that closing the
 * fake cancels, so that a writer waiting on one simply never resumes.
 */
export function createPauses() {
  const timers = new Set<NodeJS.Timeout>();
  return {
    pause(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      });
    },
    cancelAll(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
