package io.livekit.agents.devserver.internal.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty HTTP server: one listening socket, HTTP/1.1 with aggregated requests, and a {@link Router}. Every
 * accepted connection is tracked so that {@link #stop()} closes WebSocket sessions too.
 */
public final class HttpServer {

    private final Router router;
    private final int maxRequestBytes;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private ChannelGroup channels;

    /**
     * @param router          the routes
     * @param maxRequestBytes the largest request body accepted (larger ones get 413)
     */
    public HttpServer(Router router, int maxRequestBytes) {
        this.router = router;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * Binds and starts accepting.
     *
     * @return the bound address
     * @throws InterruptedException when interrupted while binding
     */
    public synchronized InetSocketAddress start(String host, int port) throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lk-devserver-accept", true),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("lk-devserver-io", true),
                NioIoHandler.newFactory());
        channels = new DefaultChannelGroup("lk-devserver", GlobalEventExecutor.INSTANCE);
        ChannelGroup group = channels;
        try {
            serverChannel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            group.add(ch);
                            ch.pipeline()
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("aggregator", new HttpObjectAggregator(maxRequestBytes))
                                    .addLast("router", new RouterHandler(router));
                        }
                    })
                    .bind(host, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdownGroups();
            serverChannel = null;
            throw e;
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting, closes every open connection and waits for the I/O threads to end. */
    public synchronized void stop() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        serverChannel = null;
        shutdownGroups();
    }

    /** Whether the server is bound. */
    public synchronized boolean isRunning() {
        return serverChannel != null;
    }

    private void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        boss = null;
        workers = null;
    }
}
