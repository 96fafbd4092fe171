// The agent the benchmark's agents-js worker forks for every job (one process per job, from its warm pool).
// It writes JSON lines to stdout (inherited from the worker), with process.hrtime (CLOCK_MONOTONIC, the clock
// Java's System.nanoTime reads on Linux) in nanoseconds:
//   {"event":"prewarm", pid, t}            the process finished initialising and joins the warm pool
//   {"event":"entry", jobId, pid, t, procStart}   the job's entry function started
//   {"event":"done", jobId, pid, t}        the job finished: agents-js ran its shutdown callbacks, the last step
//                                          before the process reports "done" to the worker and exits
//   {"event":"jobmem", jobId, pid, heapUsed, rss}   an idle job, a second after its entry: the V8 heap in use
//                                          after a full GC, and the process's RSS (the process serves only this job)
// The job's metadata says what the entry does: "finish" ends the job at once (ctx.shutdown), "idle" returns and
// leaves the job running, as an agent waiting for something to happen would.
import { defineAgent } from '@livekit/agents';
import v8 from 'node:v8';
import vm from 'node:vm';

const procStart = process.hrtime.bigint();
const now = () => process.hrtime.bigint().toString();
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

export default defineAgent({
  prewarm: async () => {
    out({ event: 'prewarm', pid: process.pid, t: now() });
  },
  entry: async (ctx) => {
    const t = now();
    const jobId = ctx.job.id;
    out({ event: 'entry', jobId, pid: process.pid, t, procStart: procStart.toString() });
    if (ctx.job.metadata === 'finish') {
      ctx.addShutdownCallback(async () => {
        out({ event: 'done', jobId, pid: process.pid, t: now() });
      });
      ctx.shutdown('done');
    } else {
      setTimeout(() => {
        // a full collection, as the Java side's System.gc(), without starting node with --expose-gc
        v8.setFlagsFromString('--expose-gc');
        vm.runInNewContext('gc')();
        const m = process.memoryUsage();
        out({ event: 'jobmem', jobId, pid: process.pid, heapUsed: m.heapUsed, rss: m.rss });
      }, 1000);
    }
  },
});
