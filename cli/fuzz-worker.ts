/**
 * One worker thread of `mongosim fuzz --workers N`: runs one shard of the campaign and posts
 * its progress and result to the parent (cli/fuzz-command.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCampaign, type CampaignOptions } from '../harness/fuzz/campaign.js';

/** Progress messages are posted at most this often (real ms). */
const progressEveryMs = 250;

export type WorkerMessage = { readonly type: 'progress'; readonly runs: number } | { readonly type: 'done'; readonly result: ReturnType<typeof runCampaign> };

if (parentPort !== null) {
  const port = parentPort;
  const options = workerData as CampaignOptions;
  let last = 0;
  const result = runCampaign({
    ...options,
    onRun: (runs) => {
      const now = performance.now();
      if (now - last >= progressEveryMs) {
        last = now;
        port.postMessage({ type: 'progress', runs } satisfies WorkerMessage);
      }
    },
  });
  port.postMessage({ type: 'done', result } satisfies WorkerMessage);
}
