/**
 * Per-chat lanes for handling updates: each chat's updates run one after another in the order they were
 * handed in, at most `maxRunning` handlers run at once across all chats, and a chat that already holds
 * `maxWaiting` updates (running or waiting) takes no more. A waiting update holds no slot, so one chat's
 * burst never keeps another chat's update waiting for one (README, "Intake").
 */
export function createLanes({ maxWaiting, maxRunning }: LaneLimits) {
  const lanes = new Map<number, Lane>();
  let running = 0;
  const slotWaiters: (() => void)[] = [];

  const acquire = (): Promise<void> | undefined => {
    if (running < maxRunning) {
      running++;
      return undefined;
    }
    return new Promise((resolve) => slotWaiters.push(resolve));
  };
  /** Hands the slot to the next waiter, if any (so `running` stays counted). */
  const release = () => {
    const next = slotWaiters.shift();
    if (next) next();
    else running--;
  };
  const bounded = async (task: () => Promise<void>): Promise<void> => {
    await acquire();
    try {
      await task();
    } finally {
      release();
    }
  };

  return {
    /**
     * Runs `task` in the lane of `chatId` (undefined: an update of no chat, bounded only by the slots).
     * Resolves once it ran; `refused` when the lane is full (the task never runs), with `first` set for
     * the first refusal since the lane was last empty (one notice per burst).
     */
    run(
      chatId: number | undefined,
      task: () => Promise<void>,
      /** Awaited in the lane before a slot is taken (its turn across gateways; a wait holds no slot). */
      turn: () => Promise<void> = async () => {},
    ): { refused: false; done: Promise<void> } | Refusal {
      if (chatId === undefined) return { refused: false, done: bounded(task) };
      const lane = lanes.get(chatId) ?? { size: 0, refusals: 0, tail: Promise.resolve() };
      if (lane.size >= maxWaiting) return { refused: true, first: lane.refusals++ === 0 };
      lane.size++;
      lanes.set(chatId, lane);
      const done = lane.tail
        .then(turn)
        .then(() => bounded(task))
        .finally(() => {
          lane.size--;
          if (lane.size === 0) lanes.delete(chatId);
        });
      lane.tail = done.catch(() => {});
      return { refused: false, done };
    },
  };
}

interface Lane {
  size: number;
  refusals: number;
  tail: Promise<void>;
}

interface Refusal {
  refused: true;
  first: boolean;
}

export interface LaneLimits {
  /** Updates of one chat running or waiting, beyond which its new updates are refused. */
  maxWaiting: number;
  /** Handlers running at once, across all chats. */
  maxRunning: number;
}

export type Lanes = ReturnType<typeof createLanes>;
