package io.livekit.agents.devserver.internal.rtc;

import io.livekit.agents.devserver.internal.http.ProtoWebSocket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signalling WebSocket on {@code /rtc}: {@link SignalRequest}s in, {@link SignalResponse}s out (see
 * {@link ProtoWebSocket} for the framing and for how bad input closes only this connection). A connection silent for
 * longer than the ping timeout is closed, and so is one whose client stopped reading (its queued responses are not
 * kept without bound).
 *
 * <p>Threads: requests are decoded on the connection's event loop and handed to the {@link Receiver}, which must not
 * block; {@link #send}, {@link #close}, {@link #leave} and {@link #abort} may be called from any thread.
 */
final class SignalSocket extends ProtoWebSocket<SignalRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(SignalSocket.class);

    /** Where a socket's events go (called on the connection's event loop, one at a time). */
    interface Receiver {
        /** A decoded request. */
        void onRequest(SignalSocket socket, SignalRequest request);

        /** The connection ended (closed by either side, or lost); called once. */
        void onClosed(SignalSocket socket, String reason);
    }

    private final Receiver receiver;
    private boolean reported;

    SignalSocket(Receiver receiver, String remote, int maxMessageBytes) {
        super("client", remote, maxMessageBytes, SignalRequest::newBuilder);
        this.receiver = receiver;
    }

    @Override
    protected void onMessage(SignalRequest request) {
        receiver.onRequest(this, request);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            LOG.info("signalling connection from {} silent for longer than the ping timeout; closing it", remote());
            close(WebSocketCloseStatus.POLICY_VIOLATION.code(), "no signal message within the ping timeout");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().isWritable() && isOpen()) {
            LOG.info("signalling connection from {} is not reading; closing it", remote());
            abort("the client stopped reading its signalling connection");
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!reported) {
            reported = true;
            String reason = closeReason();
            receiver.onClosed(this, reason != null ? reason : "signalling connection lost");
        }
        super.channelInactive(ctx);
    }

    /** Sends {@code Leave} with a reason and an action, then closes the connection. Any thread. */
    void leave(DisconnectReason reason, LeaveRequest.Action action) {
        send(SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder()
                .setReason(reason).setAction(action).setCanReconnect(action != LeaveRequest.Action.DISCONNECT))
                .build());
        close(WebSocketCloseStatus.NORMAL_CLOSURE.code(), reason.name());
    }

    @Override
    public String toString() {
        return "signal[" + remote() + "]";
    }
}
