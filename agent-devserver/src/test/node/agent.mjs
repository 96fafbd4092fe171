// The agent the conformance worker runs: agents-js forks this file for every job it accepts.
// It records what the job looked like (room, metadata, token, ...) in $CONFORMANCE_OUT/<job id>.json and returns.
// The job stays open (it never joins the room) until the server terminates it; agents-js then runs the shutdown
// callbacks, which record that in <job id>.ended.json.
import { defineAgent } from '@livekit/agents';
import fs from 'node:fs';
import path from 'node:path';

function write(name, value) {
  const dir = process.env.CONFORMANCE_OUT;
  const tmp = path.join(dir, name + '.tmp');
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, path.join(dir, name));
}

export default defineAgent({
  entry: async (ctx) => {
    const job = ctx.job;
    ctx.addShutdownCallback(async () => {
      write(`${job.id}.ended.json`, { jobId: job.id, endedAt: Date.now() });
    });
    write(`${job.id}.json`, {
      jobId: job.id,
      dispatchId: job.dispatchId,
      type: job.type,
      agentName: job.agentName,
      metadata: job.metadata,
      roomName: job.room?.name ?? '',
      roomSid: job.room?.sid ?? '',
      participantIdentity: job.participant?.identity ?? '',
      workerId: ctx.workerId,
      url: ctx.info.url,
      token: ctx.info.token,
      acceptedIdentity: ctx.info.acceptArguments.identity,
      entryAt: Date.now(),
    });
  },
});
