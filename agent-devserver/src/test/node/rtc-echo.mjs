// A real room client from LiveKit (@livekit/rtc-node, the Rust SDK underneath) against the dev server:
// joins, publishes a tone, measures the audio a peer sends back (RMS and pitch by zero crossings), and exchanges
// data packets with that peer.
// Environment: LIVEKIT_URL, LIVEKIT_TOKEN, PEER_IDENTITY (who echoes), TONE_HZ (default 523).
// Prints one JSON object per line: {"event":"connected"|"published"|"data"|"echo"|"disconnected"|"error",...}.
// Reads commands on stdin: "data" (send a data packet to the peer), "quit".
import {
  AudioFrame, AudioSource, AudioStream, LocalAudioTrack, Room, RoomEvent, TrackKind, TrackPublishOptions,
  TrackSource, dispose,
} from '@livekit/rtc-node';
import readline from 'node:readline';

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const peer = process.env.PEER_IDENTITY;
const hz = Number(process.env.TONE_HZ || 523);
const RATE = 48000;

const room = new Room();
let running = true;

room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => {
  out({ event: 'data', payload: Buffer.from(payload).toString('utf8'), from: participant?.identity ?? '', topic: topic ?? '' });
});
room.on(RoomEvent.ParticipantConnected, (p) => out({ event: 'participant', identity: p.identity, kind: p.kind }));
room.on(RoomEvent.Disconnected, (reason) => out({ event: 'disconnected', reason }));
room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
  if (track.kind === TrackKind.KIND_AUDIO && participant.identity === peer) {
    measure(track, participant.identity, publication.sid).catch((e) => out({ event: 'error', message: String(e) }));
  }
});

// Reads one second of non-silent audio and reports its RMS and pitch. The pitch is the median over ten 100 ms
// windows of the zero-crossing rate, so a concealed packet or two (the network path is real) cannot skew it.
async function measure(track, from, sid) {
  const stream = new AudioStream(track, RATE, 1);
  const samples = [];
  for await (const frame of stream) {
    let energy = 0;
    for (const s of frame.data) energy += s * s;
    const rms = Math.sqrt(energy / frame.data.length);
    if (samples.length === 0 && rms < 300) continue; // silence before the echo starts
    for (const s of frame.data) samples.push(s);
    if (samples.length >= RATE) break;
  }
  let sum = 0;
  for (const s of samples) sum += s * s;
  const window = RATE / 10;
  const rates = [];
  for (let w = 0; w + window <= samples.length; w += window) {
    let crossings = 0;
    for (let i = w + 1; i < w + window; i++) {
      if ((samples[i - 1] < 0) !== (samples[i] < 0)) crossings++;
    }
    rates.push(crossings / 2 / (window / RATE));
  }
  rates.sort((a, b) => a - b);
  out({ event: 'echo', from, sid, rms: Math.sqrt(sum / samples.length), hz: rates[rates.length >> 1], windows: rates });
}

async function pumpTone(source) {
  let n = 0;
  while (running) {
    const frame = AudioFrame.create(RATE, 1, RATE / 100);
    for (let i = 0; i < frame.data.length; i++, n++) {
      frame.data[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * n) / RATE));
    }
    await source.captureFrame(frame);
  }
}

async function sendData() {
  await room.localParticipant.publishData(new TextEncoder().encode('hello from rtc-node'), {
    reliable: true, destination_identities: [peer], topic: 'conformance',
  });
  out({ event: 'sent' });
}

try {
  await room.connect(process.env.LIVEKIT_URL, process.env.LIVEKIT_TOKEN, { autoSubscribe: true, dynacast: false });
  out({
    event: 'connected', sid: room.localParticipant.sid, identity: room.localParticipant.identity,
    room: room.name, remotes: [...room.remoteParticipants.values()].map((p) => p.identity),
  });
  const source = new AudioSource(RATE, 1);
  const track = LocalAudioTrack.createAudioTrack('tone', source);
  const pub = await room.localParticipant.publishTrack(track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
  out({ event: 'published', sid: pub.sid });
  pumpTone(source).catch((e) => out({ event: 'error', message: String(e) }));
} catch (e) {
  out({ event: 'error', message: String(e?.stack ?? e) });
  process.exit(2);
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const cmd = line.trim();
  try {
    if (cmd === 'data') {
      await sendData();
    } else if (cmd === 'quit') {
      running = false;
      await room.disconnect();
      await dispose();
      process.exit(0);
    }
  } catch (e) {
    out({ event: 'error', message: String(e?.stack ?? e) });
  }
});
