package io.livekit.agents.it.room;

import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A relay between room clients and the dev server's {@code /rtc} that reads the signalling as it passes: it forwards
 * the HTTP upgrade as it is, then every WebSocket frame, decoding the binary ones ({@code SignalRequest} from the
 * client, {@code SignalResponse} from the server) and noting what it saw with the time it passed it on. Optionally it
 * changes the {@code ping_interval} of the {@code JoinResponse} on its way to the client. Connections that are not
 * upgraded are relayed byte for byte. Listens on the test namespace's address. Thread-safe.
 */
public final class SignalTap implements AutoCloseable {

    /** A decoded signal message and when it was passed on ({@link System#currentTimeMillis()}). */
    public record Seen<T>(T message, long forwardedAtMillis) {
    }

    private final InetSocketAddress target;
    private final int joinPingInterval;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Seen<SignalRequest>> requests = new CopyOnWriteArrayList<>();
    private final List<Seen<SignalResponse>> responses = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Integer> serverJoins = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param host             the server's address (and the one to listen on)
     * @param port             the server's port
     * @param joinPingInterval the {@code ping_interval} to give clients in the JoinResponse; 0 leaves it as it is
     */
    public SignalTap(String host, int port, int joinPingInterval) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        this.target = new InetSocketAddress(address, port);
        this.joinPingInterval = joinPingInterval;
        this.server = new ServerSocket(0, 50, address);
        Thread t = new Thread(this::acceptLoop, "signal-tap-accept-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** {@code ws://<host>:<port>} of the relay. */
    public String url() {
        return "ws://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** The client's requests, in order, as they went to the server. */
    public List<Seen<SignalRequest>> requests() {
        return List.copyOf(requests);
    }

    /** The server's responses, in order, as they went to the client (after any change). */
    public List<Seen<SignalResponse>> responses() {
        return List.copyOf(responses);
    }

    /** The {@code ping_interval} of each JoinResponse as the server sent it (before any change). */
    public List<Integer> serverJoinPingIntervals() {
        return List.copyOf(serverJoins);
    }

    /** Frames the relay could not decode (compressed, not protobuf, ...): none is expected. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, true);
            pump(upstream, client, false);
        }
    }

    private void pump(Socket from, Socket to, boolean up) {
        Thread t = new Thread(() -> {
            try {
                InputStream in = new BufferedInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream();
                String head = readHead(in);
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                boolean upgraded = up ? head.toLowerCase().contains("upgrade: websocket")
                        : head.startsWith("HTTP/1.1 101");
                if (upgraded) {
                    relayFrames(in, out, up);
                } else {
                    in.transferTo(out);
                }
            } catch (IOException e) {
                // a side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "signal-tap-" + (up ? "up-" : "down-") + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in the HTTP head");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private void relayFrames(InputStream in, OutputStream out, boolean up) throws IOException {
        while (true) {
            int b0 = readByte(in);
            int b1 = readByte(in);
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.write(b0);
            header.write(b1);
            long len = b1 & 0x7f;
            int extra = len == 126 ? 2 : len == 127 ? 8 : 0;
            if (extra > 0) {
                byte[] ext = in.readNBytes(extra);
                if (ext.length < extra) {
                    throw new EOFException();
                }
                header.write(ext);
                len = 0;
                for (byte x : ext) {
                    len = (len << 8) | (x & 0xff);
                }
            }
            boolean masked = (b1 & 0x80) != 0;
            byte[] mask = masked ? in.readNBytes(4) : null;
            if (masked) {
                header.write(mask);
            }
            if (len > 16 * 1024 * 1024) {
                throw new IOException("a frame of " + len + " bytes");
            }
            byte[] payload = in.readNBytes((int) len);
            if (payload.length < len) {
                throw new EOFException();
            }
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0f;
            if ((b0 & 0x70) != 0) {
                errors.add("a frame with RSV bits " + Integer.toHexString(b0 & 0x70));
            }
            byte[] data = payload.clone();
            if (masked) {
                for (int i = 0; i < data.length; i++) {
                    data[i] ^= mask[i & 3];
                }
            }
            byte[] replaced = null;
            Object decoded = null;
            if (opcode == 2 && fin) {
                try {
                    if (up) {
                        decoded = SignalRequest.parseFrom(data);
                    } else {
                        SignalResponse r = SignalResponse.parseFrom(data);
                        if (r.hasJoin()) {
                            serverJoins.add(r.getJoin().getPingInterval());
                        }
                        if (r.hasJoin() && joinPingInterval > 0 && !masked) {
                            r = r.toBuilder().setJoin(r.getJoin().toBuilder().setPingInterval(joinPingInterval))
                                    .build();
                            replaced = unmaskedBinaryFrame(r.toByteArray());
                        }
                        decoded = r;
                    }
                } catch (IOException e) {
                    errors.add((up ? "a request" : "a response") + " not decodable: " + e);
                }
            } else if (opcode == 2 || opcode == 0) {
                errors.add("a fragmented binary message");
            }
            long now = System.currentTimeMillis();   // before the write: the peer reads the frame no earlier
            if (replaced != null) {
                out.write(replaced);
            } else {
                out.write(header.toByteArray());
                out.write(payload);
            }
            out.flush();
            if (decoded instanceof SignalRequest q) {
                requests.add(new Seen<>(q, now));
            } else if (decoded instanceof SignalResponse r) {
                responses.add(new Seen<>(r, now));
            }
        }
    }

    private static byte[] unmaskedBinaryFrame(byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x82);
        if (payload.length < 126) {
            f.write(payload.length);
        } else if (payload.length < 65536) {
            f.write(126);
            f.write(payload.length >> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >> shift) & 0xff);
            }
        }
        f.writeBytes(payload);
        return f.toByteArray();
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
