// Runs LiveKit's agents-js worker (AgentServer) against the dev server, without its CLI.
// Environment: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, CONFORMANCE_OUT (a directory),
// AGENT_NAME (optional), ACCEPT (accept|reject, default accept).
// Prints one JSON object per line on stdout: {"event":"registered","workerId":...}, {"event":"request",...}.
// Reads commands on stdin: "simulate <room>" (SimulateJobRequest through AgentServer.simulateJob), "quit".
import { AgentServer, ServerOptions, initializeLogger } from '@livekit/agents';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

initializeLogger({ pretty: false, level: process.env.LOG_LEVEL || 'warn' });

const accept = (process.env.ACCEPT || 'accept') === 'accept';
const server = new AgentServer(
  new ServerOptions({
    agent: path.join(here, 'agent.mjs'),
    wsURL: process.env.LIVEKIT_URL,
    apiKey: process.env.LIVEKIT_API_KEY,
    apiSecret: process.env.LIVEKIT_API_SECRET,
    agentName: process.env.AGENT_NAME || '',
    port: 0,
    host: '127.0.0.1',
    // a fixed load, so that a busy build machine does not push the worker over the server's target_load
    loadFunc: async () => 0.1,
    maxRetry: 3,
    requestFunc: async (req) => {
      out({ event: 'request', jobId: req.id, agentName: req.agentName, room: req.room?.name ?? '' });
      if (accept) {
        await req.accept('Conformance Agent', '', 'agent-metadata', { role: 'conformance' });
      } else {
        await req.reject();
      }
    },
  }),
);

server.event.on('worker_registered', (workerId, serverInfo) => {
  out({ event: 'registered', workerId, serverVersion: serverInfo?.version ?? '', agentProtocol: serverInfo?.agentProtocol ?? 0 });
});

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  try {
    if (cmd === 'simulate') {
      await server.simulateJob(arg);
      out({ event: 'simulated', room: arg });
    } else if (cmd === 'quit') {
      await server.close();
      out({ event: 'closed' });
      process.exit(0);
    }
  } catch (e) {
    out({ event: 'error', command: cmd, message: String(e?.message ?? e) });
  }
});

const stop = async () => {
  await server.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.run().catch((e) => {
  out({ event: 'failed', message: String(e?.message ?? e) });
  process.exit(1);
});
