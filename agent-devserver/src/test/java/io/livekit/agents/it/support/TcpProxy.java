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
    /** Per direction (0: to the target, 1: to the clients) and opcode: when such a frame was last passed on. */
    private final long[][] lastFrameNanos = new long[2][16];

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

    /**
     * When a WebSocket frame of {@code opcode} (2: binary, 9: ping, 10: pong, ...) was last passed on to the target
     * ({@code toTarget}) or to the clients, in {@link System#nanoTime()}: taken just before the bytes that complete
     * its header are written, so the peer reads the frame no earlier. 0: never.
     */
    public long lastForwardedFrameNanos(boolean toTarget, int opcode) {
        synchronized (lastFrameNanos) {
            return lastFrameNanos[toTarget ? 0 : 1][opcode & 0x0f];
        }
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
                Frames frames = new Frames();
                boolean[] opcodes = new boolean[16];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        java.util.Arrays.fill(opcodes, false);
                        frames.scan(buf, n, opcodes);
                        if (!(up ? dropUp : dropDown)) {
                            long now = System.nanoTime();
                            synchronized (lastFrameNanos) {
                                for (int op = 0; op < 16; op++) {
                                    if (opcodes[op]) {
                                        lastFrameNanos[up ? 0 : 1][op] = now;
                                    }
                                }
                            }
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

    /**
     * Follows one direction of a WebSocket connection across reads: the HTTP upgrade request or response, then
     * frames (masked or not), and notes the opcode of each frame whose header a read completes.
     */
    static final class Frames {
        private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};
        private boolean upgraded;
        private int headEnd;
        private final byte[] header = new byte[14];
        private int have;
        private long skip;

        void scan(byte[] b, int n, boolean[] opcodes) {
            for (int i = 0; i < n; i++) {
                if (!upgraded) {
                    headEnd = b[i] == END_OF_HEAD[headEnd] ? headEnd + 1 : b[i] == '\r' ? 1 : 0;
                    upgraded = headEnd == END_OF_HEAD.length;
                    continue;
                }
                if (skip > 0) {
                    int k = (int) Math.min(skip, n - i);
                    skip -= k;
                    i += k - 1;
                    continue;
                }
                header[have++] = b[i];
                if (have < 2) {
                    continue;
                }
                int len7 = header[1] & 0x7f;
                int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
                if (have < needed) {
                    continue;
                }
                long len = len7;
                if (len7 >= 126) {
                    len = 0;
                    for (int k = 2; k < (len7 == 126 ? 4 : 10); k++) {
                        len = (len << 8) | (header[k] & 0xff);
                    }
                }
                opcodes[header[0] & 0x0f] = true;
                skip = len;
                have = 0;
            }
        }
    }
}
