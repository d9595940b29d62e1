/**
 * The fake OpenRouter's script: behaviours queued for a question, for a model or for whichever request
 * comes next, and the default once they are used up. A question's queue wins over a model's, which wins
 * over the shared one.
 */
import type { Behaviour } from "./behaviours.js";
import { questionOf, type RecordedRequest } from "./requests.js";

export function createScript() {
  const sharedQueue: Behaviour[] = [];
  const modelQueues = new Map<string, Behaviour[]>();
  const questionQueues = new Map<string, Behaviour[]>();
  let defaultBehaviour: Behaviour = { kind: "echo" };

  return {
    enqueue(...behaviours: Behaviour[]): void {
      sharedQueue.push(...behaviours);
    },
    enqueueFor(model: string, ...behaviours: Behaviour[]): void {
      modelQueues.set(model, [...(modelQueues.get(model) ?? []), ...behaviours]);
    },
    enqueueForQuestion(question: string, ...behaviours: Behaviour[]): void {
      questionQueues.set(question, [...(questionQueues.get(question) ?? []), ...behaviours]);
    },
    setDefault(behaviour: Behaviour): void {
      defaultBehaviour = behaviour;
    },
    /** The behaviour for `recorded`, taken off its queue. */
    next(recorded: RecordedRequest): Behaviour {
      const question = questionOf(recorded);
      const model = recorded.model;
      return (
        (question === undefined ? undefined : questionQueues.get(question)?.shift()) ??
        (model === undefined ? undefined : modelQueues.get(model)?.shift()) ??
        sharedQueue.shift() ??
        defaultBehaviour
      );
    },
  };
}
