package io.livekit.agents.internal.rtc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.livekit.agents.AgentException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signalling WebSocket to {@code /rtc}: binary protobuf {@code SignalRequest} out, {@code SignalResponse} in.
 * Callbacks of {@link Listener} run on a Netty event-loop thread: the room hops them onto its own executor at once.
 * A client is used for one connection; reconnecting makes a new one.
 */
final class SignalClient {
  private static final Logger LOG = LoggerFactory.getLogger(SignalClient.class);
  /** Signal messages are small; a JoinResponse of a big room can reach a few hundred kB. */
  static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

  /** Receives what arrives on the socket. Called on a Netty event-loop thread, in order. */
  interface Listener {
    void onMessage(SignalClient client, SignalResponse message);

    /** The socket closed (by either side, or failed). Called once. */
    void onClosed(SignalClient client, String reason);
  }

  private static final class Shared {
    static final EventLoopGroup GROUP =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lk-signal", true), NioIoHandler.newFactory());
  }

  private final Listener listener;
  private volatile Channel channel;
  private volatile boolean closedNotified;

  SignalClient(Listener listener) {
    this.listener = listener;
  }

  /**
   * Opens the socket and completes once the WebSocket handshake succeeded. Fails with a {@link AgentException}
   * naming the HTTP status and the server's text when the upgrade is refused.
   */
  CompletableFuture<Void> connect(URI uri, String token, long timeoutMillis) {
    CompletableFuture<Void> opened = new CompletableFuture<>();
    boolean tls = "wss".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    SslContext ssl;
    try {
      ssl = tls ? SslContextBuilder.forClient().build() : null;
    } catch (Exception e) {
      opened.completeExceptionally(new AgentException(AgentException.Code.CONNECTION_FAILED,
          "cannot set up TLS for " + uri.getHost() + ": " + e, e));
      return opened;
    }
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
        uri, WebSocketVersion.V13, null, false, headers, MAX_FRAME_BYTES);
    Bootstrap b = new Bootstrap()
        .group(Shared.GROUP)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc(), uri.getHost(), port));
            }
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                new Handler(handshaker, opened));
          }
        });
    b.connect(uri.getHost(), port).addListener(f -> {
      if (!f.isSuccess()) {
        opened.completeExceptionally(new AgentException(AgentException.Code.CONNECTION_FAILED,
            "cannot reach the LiveKit server at " + uri.getHost() + ":" + port + " (" + f.cause()
                + "); check the URL and that the server runs", f.cause()));
      }
    });
    Shared.GROUP.schedule(() -> {
      if (opened.completeExceptionally(new AgentException(AgentException.Code.TIMEOUT,
          "the signalling WebSocket to " + uri.getHost() + ":" + port + " did not open within "
              + timeoutMillis + " ms"))) {
        close();
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    return opened;
  }

  /** Sends one request; returns false if the socket is not open. Thread-safe. */
  boolean send(SignalRequest request) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      return false;
    }
    ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(request.toByteArray())));
    return true;
  }

  boolean isOpen() {
    Channel ch = channel;
    return ch != null && ch.isActive();
  }

  /** Sends a close frame (1000) and closes the socket. Idempotent. */
  void close() {
    Channel ch = channel;
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(new CloseWebSocketFrame(1000, "client closing")).addListener(f -> ch.close());
      ch.eventLoop().schedule(() -> {
        ch.close();
      }, 1, TimeUnit.SECONDS);
    } else if (ch != null) {
      ch.close();
    }
  }

  /** Closes the TCP connection abruptly, without a close frame (used to simulate network loss in tests). */
  void abort() {
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  private void notifyClosed(String reason) {
    if (!closedNotified) {
      closedNotified = true;
      listener.onClosed(this, reason);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    private final WebSocketClientHandshaker handshaker;
    private final CompletableFuture<Void> opened;

    Handler(WebSocketClientHandshaker handshaker, CompletableFuture<Void> opened) {
      this.handshaker = handshaker;
      this.opened = opened;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      handshaker.handshake(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!opened.isDone()) {
        opened.completeExceptionally(new AgentException(AgentException.Code.CONNECTION_FAILED,
            "the server closed the connection during the WebSocket handshake"));
      } else {
        notifyClosed("connection closed");
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (!handshaker.isHandshakeComplete()) {
        FullHttpResponse response = (FullHttpResponse) msg;
        try {
          handshaker.finishHandshake(ctx.channel(), response);
          if (!opened.complete(null)) {
            ctx.close();
          }
        } catch (WebSocketClientHandshakeException e) {
          int status = response.status().code();
          String body = response.content().toString(StandardCharsets.UTF_8).trim();
          AgentException.Code code = status == 401 || status == 403 ? AgentException.Code.UNAUTHENTICATED
              : AgentException.Code.CONNECTION_FAILED;
          String hint = code == AgentException.Code.UNAUTHENTICATED
              ? "; check the API key/secret the token was signed with, its expiry and its roomJoin grant"
              : "; check that the URL points at a LiveKit server";
          opened.completeExceptionally(new AgentException(code, "the server refused the signalling connection: HTTP "
              + status + (body.isEmpty() ? "" : " \"" + body + "\"") + hint, e));
          ctx.close();
        }
        return;
      }
      if (msg instanceof FullHttpResponse) {
        LOG.warn("unexpected HTTP response on an open signalling WebSocket; closing it");
        ctx.close();
        return;
      }
      WebSocketFrame frame = (WebSocketFrame) msg;
      if (frame instanceof BinaryWebSocketFrame) {
        ByteBuf content = frame.content();
        SignalResponse response;
        try {
          response = SignalResponse.parseFrom(ByteBufUtil.getBytes(content));
        } catch (Exception e) {
          LOG.warn("ignoring a malformed signal message ({} bytes): {}", content.readableBytes(), e.toString());
          return;
        }
        listener.onMessage(SignalClient.this, response);
      } else if (frame instanceof PingWebSocketFrame) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      } else if (frame instanceof CloseWebSocketFrame close) {
        notifyClosed("server closed the WebSocket: " + close.statusCode() + " " + close.reasonText());
        ctx.close();
      } else if (frame instanceof TextWebSocketFrame) {
        LOG.warn("ignoring a text frame on the signalling WebSocket (LiveKit sends binary protobuf)");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!opened.isDone()) {
        opened.completeExceptionally(new AgentException(AgentException.Code.CONNECTION_FAILED,
            "signalling connection failed: " + cause, cause));
      }
      LOG.debug("signalling socket error: {}", cause.toString());
      ctx.close();
    }
  }
}
