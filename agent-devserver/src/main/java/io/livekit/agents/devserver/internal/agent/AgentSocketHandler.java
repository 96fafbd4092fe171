package io.livekit.agents.devserver.internal.agent;

import io.livekit.agents.devserver.internal.dispatch.Dispatcher;
import io.livekit.agents.devserver.internal.dispatch.WorkerLink;
import io.livekit.agents.devserver.internal.dispatch.WorkerSession;
import io.livekit.agents.devserver.internal.http.ProtoWebSocket;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerMessage;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One worker's WebSocket on {@code /agent}: decodes frames into {@link WorkerMessage}s for the {@link Dispatcher}
 * and encodes its {@link ServerMessage}s (see {@link ProtoWebSocket}: protobuf or protojson, bad input closes this
 * connection with a reason). Sends a WebSocket ping every ping interval.
 */
final class AgentSocketHandler extends ProtoWebSocket<WorkerMessage> implements WorkerLink {

    private final Dispatcher dispatcher;
    private final Duration pingInterval;
    private WorkerSession session;
    private ScheduledFuture<?> pinger;

    AgentSocketHandler(Dispatcher dispatcher, Duration pingInterval, int maxMessageBytes, String remote) {
        super("worker", remote, maxMessageBytes, WorkerMessage::newBuilder);
        this.dispatcher = dispatcher;
        this.pingInterval = pingInterval;
    }

    void attach(WorkerSession session) {
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        dispatcher.connected(session);
        long ms = pingInterval.toMillis();
        if (ms > 0) {
            pinger = ctx.executor().scheduleAtFixedRate(() -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
                }
            }, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void onMessage(WorkerMessage message) {
        dispatcher.received(session, message);
    }

    @Override
    protected void protocolError(int code, String reason) {
        close(code, reason); // at once: the decoder discards the rest of a bad frame meanwhile
        dispatcher.protocolError(session, code, reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pinger != null) {
            pinger.cancel(false);
        }
        String reason = closeReason();
        dispatcher.disconnected(session, reason != null ? reason : "connection lost");
        super.channelInactive(ctx);
    }

    // ---- WorkerLink (any thread) ----

    @Override
    public void send(ServerMessage message) {
        super.send(message);
    }

    @Override
    public String remoteAddress() {
        return remote();
    }
}
