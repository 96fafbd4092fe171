// The agents-js side of the worker benchmark: LiveKit's own AgentServer (@livekit/agents), started without its
// CLI, in production mode (warm process pool), registered with the dev server the Java harness runs.
//
// Environment:
//   LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET   the dev server
//   AGENT_NAME         the agent name to register (explicit dispatch only)
//   BENCH_CAPACITY     the load reported is active jobs / BENCH_CAPACITY (as the Java worker's default
//                      calculator); agents-js itself has no job cap
//   BENCH_IDLE_PROCS   warm processes (default: agents-js's production default, min(cpus, 4))
//   BENCH_HTTP_PORT    the health server's port (production mode would otherwise take 8081)
//
// stdout: one JSON object per line ("event" tells which); the agent processes this worker forks inherit stdout
// and write their own lines (agent.mjs). Each line is a single write below PIPE_BUF, so lines never interleave.
// stdin: "clock" (prints the monotonic clock, to check it against the harness's), "quit".
import { AgentServer, ServerOptions, initializeLogger } from '@livekit/agents';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

initializeLogger({ pretty: false, level: process.env.LOG_LEVEL || 'warn' });

const capacity = Number(process.env.BENCH_CAPACITY || '16');
const idle = process.env.BENCH_IDLE_PROCS ? Number(process.env.BENCH_IDLE_PROCS) : undefined;

const options = new ServerOptions({
  agent: path.join(here, 'agent.mjs'),
  wsURL: process.env.LIVEKIT_URL,
  apiKey: process.env.LIVEKIT_API_KEY,
  apiSecret: process.env.LIVEKIT_API_SECRET,
  agentName: process.env.AGENT_NAME || '',
  production: true,
  numIdleProcesses: idle,
  host: '127.0.0.1',
  port: Number(process.env.BENCH_HTTP_PORT || '0'),
  logLevel: process.env.LOG_LEVEL || 'warn',
  loadFunc: async (worker) => Math.min(1, worker.activeJobs.length / capacity),
  // the same decision as the Java worker's default: accept, identity agent-<job id>
  requestFunc: async (req) => {
    await req.accept();
  },
});
const server = new AgentServer(options);

server.event.on('worker_registered', (workerId) => {
  out({
    event: 'registered',
    workerId,
    pid: process.pid,
    node: process.version,
    numIdleProcesses: options.numIdleProcesses,
    loadThreshold: options.loadThreshold,
  });
});

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = line.trim();
  if (cmd === 'clock') {
    out({ event: 'clock', t: process.hrtime.bigint().toString() });
  } else if (cmd === 'quit') {
    await server.close().catch(() => {});
    out({ event: 'closed' });
    process.exit(0);
  }
});

process.on('SIGTERM', async () => {
  await server.close().catch(() => {});
  process.exit(0);
});

server.run().catch((e) => {
  out({ event: 'failed', message: String(e?.message ?? e) });
  process.exit(1);
});
