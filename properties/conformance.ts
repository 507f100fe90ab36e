/**
 * Conformance: each instance's history is explained by its sequential model (asyncio or
 * threading, by the instance's kind; asyncio binding by the implementation's version), each
 * operation taking effect atomically within its call (models/linearizability.ts).
 * A search that runs out of budget is not reported: the property only speaks when it can prove.
 */
import { checkLinearizable } from '../models/linearizability.ts';
import { modelDecl, modelFor } from '../models/select.ts';
import type { Property, RunView, Violation } from './api.ts';
import { semaphoreIds, semaphoreInfo } from './semaphores.ts';

export const conformance: Property = {
  name: 'conformance',
  description: "each semaphore's history is linearizable with respect to its sequential model (asyncio or threading)",
  check: (view: RunView): readonly Violation[] => {
    const out: Violation[] = [];
    for (const id of semaphoreIds(view)) {
      const info = semaphoreInfo(view, id);
      if (info === undefined) continue;
      const result = checkLinearizable(view.history, modelFor(info.kind, view.scenario.impl), modelDecl(info));
      if (result.verdict !== 'violation') continue;
      out.push({ property: 'conformance', outcome: 'nonconformance', step: result.event.step, message: result.message });
    }
    return out;
  },
};
