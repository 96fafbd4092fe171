package io.livekit.agents.devserver;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the dev server from the command line, like {@code livekit-server --dev}:
 * {@code java -jar agent-devserver/target/agent-devserver.jar --dev}. Stops cleanly on SIGTERM or Ctrl-C.
 */
public final class DevServerMain {

    private DevServerMain() {
    }

    /** Parsed command line. */
    record Options(boolean dev, int port, String bind, List<String[]> keys, DispatchMode mode,
                   Duration availabilityTimeout, String logLevel, boolean help) {
    }

    /** Thrown for a bad command line; the message says what is wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Starts the server and blocks until the JVM is asked to stop.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println();
            usage(System.err);
            System.exit(2);
            return;
        }
        if (o.help()) {
            usage(System.out);
            return;
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", o.logLevel());
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");

        DevServer server;
        try {
            server = build(o).start();
        } catch (DevServerException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "lk-devserver-shutdown"));
        PrintStream out = System.out;
        out.println("LiveKit dev server (LiveKit Agents for the JVM), dispatch mode " + server.dispatchMode());
        out.println("  URL:        " + server.url());
        out.println("  HTTP/Twirp: " + server.httpUrl());
        server.keys().forEach((k, s) -> out.println("  API key:    " + k + "   API secret: " + s));
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
    }

    static DevServer build(Options o) {
        DevServer.Builder b = DevServer.builder().port(o.port()).bind(o.bind()).dispatchMode(o.mode());
        for (String[] k : o.keys()) {
            b.addKey(k[0], k[1]);
        }
        if (o.availabilityTimeout() != null) {
            b.availabilityTimeout(o.availabilityTimeout());
        }
        return b.build();
    }

    static Options parse(String[] args) throws UsageException {
        boolean dev = false;
        boolean help = false;
        int port = DevServer.DEFAULT_PORT;
        String bind = DevServer.DEFAULT_BIND;
        List<String[]> keys = new ArrayList<>();
        DispatchMode mode = DispatchMode.STRICT_OSS;
        Duration availability = null;
        String logLevel = "info";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--dev" -> dev = true;
                case "-h", "--help" -> help = true;
                case "--port" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--port needs a number, got '" + v + "'");
                    }
                    if (port < 0 || port > 65535) {
                        throw new UsageException("--port must be 0..65535, got " + port);
                    }
                }
                case "--bind" -> bind = value != null ? value : next(args, ++i, a);
                case "--keys" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    for (String pair : v.split(",")) {
                        String p = pair.trim();
                        int colon = p.indexOf(':');
                        if (colon <= 0 || colon == p.length() - 1) {
                            throw new UsageException("--keys takes KEY:SECRET pairs, got '" + p + "'");
                        }
                        keys.add(new String[] {p.substring(0, colon).trim(), p.substring(colon + 1).trim()});
                    }
                }
                case "--dispatch-mode" -> {
                    String v = (value != null ? value : next(args, ++i, a)).toLowerCase(Locale.ROOT);
                    mode = switch (v) {
                        case "strict", "strict-oss", "strict_oss" -> DispatchMode.STRICT_OSS;
                        case "lenient" -> DispatchMode.LENIENT;
                        default -> throw new UsageException("--dispatch-mode is strict or lenient, got '" + v + "'");
                    };
                }
                case "--availability-timeout" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    try {
                        availability = Duration.ofMillis(Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--availability-timeout takes milliseconds, got '" + v + "'");
                    }
                    if (availability.isZero() || availability.isNegative()) {
                        throw new UsageException("--availability-timeout must be positive");
                    }
                }
                case "--log-level" -> logLevel = value != null ? value : next(args, ++i, a);
                default -> throw new UsageException("unknown option '" + args[i] + "'");
            }
        }
        if (keys.isEmpty()) {
            if (!dev && !help) {
                throw new UsageException("no API keys: pass --dev (key devkey, secret secret) or --keys KEY:SECRET");
            }
            keys.add(new String[] {DevServer.DEV_API_KEY, DevServer.DEV_API_SECRET});
        }
        return new Options(dev, port, bind, keys, mode, availability, logLevel, help);
    }

    private static String next(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    static void usage(PrintStream out) {
        out.println("""
                usage: java -jar agent-devserver.jar --dev [options]

                An embedded LiveKit-compatible server for agent development: /agent (workers),
                /rtc (small rooms with media for LiveKit's clients), Twirp RoomService and
                AgentDispatchService, LiveKit token checks.

                  --dev                      livekit-server --dev defaults: key devkey, secret secret
                  --port N                   port to listen on (default 7880; 0 = any free port)
                  --bind ADDR                address to bind (default 127.0.0.1)
                  --keys KEY:SECRET[,...]    API keys (repeatable); replaces the dev key
                  --dispatch-mode MODE       strict (default: LiveKit's deadlines) or lenient
                  --availability-timeout MS  job offer timeout (strict: whole offer, default 3000;
                                             lenient: per worker, default 10000)
                  --log-level LEVEL          trace, debug, info (default), warn, error
                  -h, --help                 this help""");
    }
}
