// Drives the dev server's Twirp APIs with LiveKit's Node server SDK (livekit-server-sdk).
// Environment: LIVEKIT_URL (http://...), LIVEKIT_API_KEY, LIVEKIT_API_SECRET.
// Prints one JSON object per line: {"step":..., ...}; the last line is {"step":"done"}. Exits 1 if an SDK call
// that should work throws.
import { AccessToken, AgentDispatchClient, RoomServiceClient, TokenVerifier } from 'livekit-server-sdk';
import { RoomAgentDispatch } from '@livekit/protocol';

const url = process.env.LIVEKIT_URL;
const key = process.env.LIVEKIT_API_KEY;
const secret = process.env.LIVEKIT_API_SECRET;
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const err = (e) => ({ status: e?.status ?? null, code: e?.code ?? null, message: String(e?.message ?? e) });

const rooms = new RoomServiceClient(url, key, secret);
const dispatch = new AgentDispatchClient(url, key, secret);

try {
  const room = await rooms.createRoom({
    name: 'sdk-room',
    emptyTimeout: 120,
    metadata: 'room-metadata',
    agents: [new RoomAgentDispatch({ agentName: 'sdk-agent', metadata: 'from-create-room' })],
  });
  out({ step: 'createRoom', name: room.name, sid: room.sid, emptyTimeout: room.emptyTimeout, metadata: room.metadata });

  await rooms.createRoom({ name: 'sdk-other' });
  out({ step: 'listRooms', names: (await rooms.listRooms()).map((r) => r.name) });
  out({ step: 'listRoomsByName', names: (await rooms.listRooms(['sdk-room'])).map((r) => r.name) });

  const created = await dispatch.createDispatch('sdk-room', 'sdk-agent', { metadata: 'from-create-dispatch' });
  out({ step: 'createDispatch', id: created.id, agentName: created.agentName, room: created.room, metadata: created.metadata });

  // jobs are assigned in the background: list until every dispatch has its job (or 15 s pass)
  let listed = await dispatch.listDispatch('sdk-room');
  for (let i = 0; i < 150 && !listed.every((d) => (d.state?.jobs ?? []).length > 0); i++) {
    await new Promise((r) => setTimeout(r, 100));
    listed = await dispatch.listDispatch('sdk-room');
  }
  out({
    step: 'listDispatch',
    dispatches: listed.map((d) => ({
      id: d.id,
      agentName: d.agentName,
      metadata: d.metadata,
      createdAt: String(d.state?.createdAt ?? ''),
      jobs: (d.state?.jobs ?? []).map((j) => ({ id: j.id, status: j.state?.status, identity: j.state?.participantIdentity })),
    })),
  });
  const one = await dispatch.getDispatch(created.id, 'sdk-room');
  out({ step: 'getDispatch', id: one?.id ?? null });

  await dispatch.deleteDispatch(created.id, 'sdk-room');
  out({ step: 'deleteDispatch', remaining: (await dispatch.listDispatch('sdk-room')).map((d) => d.id) });

  out({ step: 'listParticipants', count: (await rooms.listParticipants('sdk-room')).length });

  await rooms.deleteRoom('sdk-room');
  out({ step: 'deleteRoom', names: (await rooms.listRooms()).map((r) => r.name) });
} catch (e) {
  out({ step: 'unexpected-error', ...err(e) });
  process.exit(1);
}

// failures the SDK must surface
const expectFailure = async (step, fn) => {
  try {
    await fn();
    out({ step, failed: false });
  } catch (e) {
    out({ step, failed: true, ...err(e) });
  }
};
await expectFailure('wrongSecret', () => new RoomServiceClient(url, key, 'not-the-secret').listRooms());
await expectFailure('wrongKey', () => new RoomServiceClient(url, 'not-a-key', secret).listRooms());
await expectFailure('deleteMissingRoom', () => rooms.deleteRoom('no-such-room'));
await expectFailure('deleteMissingDispatch', () => dispatch.deleteDispatch('AD_missing', 'sdk-other'));
await expectFailure('expiredToken', async () => {
  // a token that expired two hours ago, sent the way the SDK sends its own
  const at = new AccessToken(key, secret, { ttl: '-2h' });
  at.addGrant({ roomList: true });
  const jwt = await at.toJwt();
  const res = await fetch(new URL('/twirp/livekit.RoomService/ListRooms', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` },
    body: '{}',
  });
  if (!res.ok) {
    const body = await res.json();
    throw Object.assign(new Error(body.msg), { status: res.status, code: body.code });
  }
});

// and a token the SDK minted is one our server accepts, while the SDK's verifier accepts tokens of the same key
const at = new AccessToken(key, secret, { identity: 'sdk-user' });
at.addGrant({ roomJoin: true, room: 'sdk-other' });
const claims = await new TokenVerifier(key, secret).verify(await at.toJwt());
out({ step: 'tokenRoundTrip', identity: claims.sub, room: claims.video?.room ?? null });
out({ step: 'done' });
