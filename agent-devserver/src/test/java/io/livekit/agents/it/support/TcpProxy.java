package io.livekit.agents.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for fault injection in tests, on loopback only: forwards every connection made to
 * {@link #port()} to a target port, and on demand cuts the open connections or black-holes them (bytes from
 * either side are read and dropped while the sockets stay open, as when a network path silently dies).
 * Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean dropUp;
    private volatile boolean dropDown;
    private volatile boolean refuse;
    private volatile boolean closed;

    /**
     * Starts a proxy on an ephemeral loopback port.
     *
     * @param targetPort the loopback port to forward to
     */
    public TcpProxy(int targetPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.target = new InetSocketAddress(loopback, targetPort);
        this.server = new ServerSocket(0, 50, loopback);
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** The port to connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code ws://127.0.0.1:<port>}. */
    public String wsUrl() {
        return "ws://" + server.getInetAddress().getHostAddress() + ":" + port();
    }

    /** Connections accepted so far. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return (int) links.stream().filter(l -> !l.closed).count();
    }

    /** Closes every open connection on both sides (the peers see a reset or an end of stream). */
    public void cutAll() {
        for (Link l : links) {
            l.close();
        }
    }

    /**
     * Black-holes (or restores) traffic: while on, bytes arriving from either side are dropped and new
     * connections are accepted but forward nothing. Sockets stay open.
     */
    public void blackhole(boolean on) {
        this.dropUp = on;
        this.dropDown = on;
    }

    /**
     * Black-holes (or restores) only the client-to-target direction: the target's traffic still arrives, the
     * client's is lost (a half-dead path).
     */
    public void blackholeUpstream(boolean on) {
        this.dropUp = on;
    }

    /** While on, new connections are accepted and closed at once (as a server that is down but reachable). */
    public void refuseNew(boolean on) {
        this.refuse = on;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cutAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (refuse) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean closed;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, true);
            pump(upstream, client, false);
        }

        private void pump(Socket from, Socket to, boolean up) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (!(up ? dropUp : dropDown)) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    }
                } catch (SocketException e) {
                    // closed under us
                } catch (IOException e) {
                    // peer gone
                } finally {
                    close();
                }
            }, "tcp-proxy-" + (up ? "up-" : "down-") + from.getPort());
            t.setDaemon(true);
            t.start();
        }

        void close() {
            closed = true;
            closeQuietly(client);
            closeQuietly(upstream);
            links.remove(this);
        }
    }
}
