package io.livekit.agents;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;

/**
 * How a {@link Worker} connects and behaves. Immutable; build with {@link #builder()}, or read the
 * environment with {@link #fromEnv()}. Settings given to the builder win over the environment.
 *
 * <pre>{@code
 * WorkerOptions options = WorkerOptions.builder()
 *         .fromEnv()                       // LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_AGENT_NAME
 *         .maxConcurrentJobs(4)
 *         .build();
 * }</pre>
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #url()}, {@link #apiKey()}, {@link #apiSecret()}</td><td>required ({@value #ENV_URL},
 *       {@value #ENV_API_KEY}, {@value #ENV_API_SECRET})</td></tr>
 *   <tr><td>{@link #agentName()}</td><td>empty: automatic dispatch ({@value #ENV_AGENT_NAME})</td></tr>
 *   <tr><td>{@link #jobType()}</td><td>the handler's type, else {@link JobType#ROOM}</td></tr>
 *   <tr><td>{@link #maxConcurrentJobs()}</td><td>{@value #DEFAULT_MAX_CONCURRENT_JOBS}</td></tr>
 *   <tr><td>{@link #loadCalculator()}</td><td>{@link LoadCalculator#activeJobs()}</td></tr>
 *   <tr><td>{@link #loadThreshold()}</td><td>the calculator's {@link LoadCalculator#defaultThreshold()}
 *       (1.0 for the default calculator, 0.7 otherwise)</td></tr>
 *   <tr><td>{@link #namespace()}</td><td>none (deprecated by LiveKit)</td></tr>
 *   <tr><td>{@link #permissions()}</td><td>{@link WorkerPermissions#defaults()}</td></tr>
 *   <tr><td>{@link #version()}</td><td>this SDK's version</td></tr>
 *   <tr><td>{@link #reconnectPolicy()}</td><td>{@link ReconnectPolicy#defaults()}</td></tr>
 *   <tr><td>{@link #drainTimeout()}</td><td>10 min</td></tr>
 *   <tr><td>{@link #pingInterval()} / {@link #pingTimeout()}</td><td>10 s / 30 s</td></tr>
 *   <tr><td>{@link #availabilityTimeout()}</td><td>1.5 s (the server waits about 3 s in all)</td></tr>
 *   <tr><td>{@link #assignmentTimeout()}</td><td>7.5 s (as LiveKit's workers)</td></tr>
 *   <tr><td>{@link #jobShutdownTimeout()}</td><td>10 s</td></tr>
 *   <tr><td>{@link #statusInterval()}</td><td>2.5 s (as LiveKit's workers)</td></tr>
 *   <tr><td>{@link #connectTimeout()}</td><td>10 s</td></tr>
 *   <tr><td>{@link #jobExecutor()}</td><td>none: a virtual thread per job where the JVM has them, else a
 *       bounded pool of platform threads</td></tr>
 *   <tr><td>{@link #healthPort()}</td><td>off; {@link Builder#healthPort(int) healthPort}({@value
 *       #DEFAULT_HEALTH_PORT}) serves like LiveKit's workers in production, 0 takes any free port</td></tr>
 *   <tr><td>{@link #healthHost()}</td><td>all interfaces, as LiveKit's workers (a probe reaches the pod's
 *       address, not loopback)</td></tr>
 * </table>
 *
 * <h2>Health server</h2>
 * <p>With a {@link Builder#healthPort(int) health port}, the worker serves HTTP for orchestrators (Kubernetes
 * probes, load balancers, LiveKit Cloud) on its own Netty event loop; the answers come from the worker's own
 * thread, never from a job or decision thread, and a worker thread that does not answer within 2 s makes every
 * endpoint answer 503. {@code GET} and {@code HEAD} on:
 * <table>
 *   <caption>Health endpoints</caption>
 *   <tr><th>path</th><th>answer</th></tr>
 *   <tr><td>{@code /}</td><td><b>liveness</b>, as LiveKit's Python worker: 200 {@code OK} from {@link
 *       Worker#start()} on, while initializing, registered, reconnecting after a lost connection (running jobs
 *       carry on) and draining; 503 with the reason once the worker has failed (the server refused its
 *       credentials, its reconnect attempts are used up) and is shutting down, until the port closes with the
 *       worker. Restart the process then. (The agents-js worker answers 503 on {@code /} whenever it is not
 *       registered; that is {@code /ready} here.)</td></tr>
 *   <tr><td>{@code /ready}</td><td><b>readiness</b>: 200 {@code OK} while registered and taking jobs
 *       ({@link WorkerStatus#isReady()}: idle, busy or full); 503 with the status and why ({@code initializing},
 *       {@code disconnected}, {@code draining}, {@code stopped}, {@code failed}) otherwise: a draining worker is
 *       alive but not ready.</td></tr>
 *   <tr><td>{@code /worker}</td><td>200 with JSON carrying the keys of LiveKit's workers: {@code agent_name},
 *       {@code worker_type} ({@code "JT_ROOM"}, {@code "JT_PUBLISHER"} or {@code "JT_PARTICIPANT"}),
 *       {@code active_jobs}, {@code sdk_version}, {@code worker_load} (0..1), {@code protocol_version} (1);
 *       and {@code worker_id} (the registration's id, {@code null} while not registered) and {@code status}
 *       (a {@link WorkerStatus} name)</td></tr>
 *   <tr><td>anything else</td><td>404; another method on these paths 405 (with {@code Allow}); a malformed or
 *       oversized request 400, 413, 414 or 431. Nothing a client sends reaches the worker beyond reading its
 *       state; idle connections close after 15 s</td></tr>
 * </table>
 * <p>The server listens from {@link Worker#start()} (which fails if the port is taken) until the worker has
 * stopped; {@link Worker#healthAddress()} tells the bound address. It is off by default: a library should not
 * open a port on every interface unasked, and one fixed port would collide as soon as a JVM or host runs two
 * workers (tests, benchmarks). For a deployment, set {@code healthPort(WorkerOptions.DEFAULT_HEALTH_PORT)};
 * several workers on one host need a port each, or 0 and {@link Worker#healthAddress()}.
 */
public final class WorkerOptions {

    /** The server URL variable, e.g. {@code wss://my-project.livekit.cloud} or {@code ws://127.0.0.1:7880}. */
    public static final String ENV_URL = "LIVEKIT_URL";
    /** The API key variable. */
    public static final String ENV_API_KEY = "LIVEKIT_API_KEY";
    /** The API secret variable. */
    public static final String ENV_API_SECRET = "LIVEKIT_API_SECRET";
    /** The (optional) agent name variable. */
    public static final String ENV_AGENT_NAME = "LIVEKIT_AGENT_NAME";

    /** The default job cap. */
    public static final int DEFAULT_MAX_CONCURRENT_JOBS = 16;

    /** The health server's port in LiveKit's Python and Node workers in production; pass it to {@link Builder#healthPort(int)}. */
    public static final int DEFAULT_HEALTH_PORT = 8081;

    private final String url;
    private final String apiKey;
    private final String apiSecret;
    private final String agentName;
    private final JobType jobType;
    private final int maxConcurrentJobs;
    private final LoadCalculator loadCalculator;
    private final double loadThreshold;
    private final boolean loadThresholdSet;
    private final String namespace;
    private final WorkerPermissions permissions;
    private final String version;
    private final ReconnectPolicy reconnectPolicy;
    private final Duration drainTimeout;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration availabilityTimeout;
    private final Duration assignmentTimeout;
    private final Duration jobShutdownTimeout;
    private final Duration statusInterval;
    private final Duration connectTimeout;
    private final ExecutorService jobExecutor;
    private final boolean shutdownJobExecutor;
    private final int healthPort;
    private final String healthHost;

    private WorkerOptions(Builder b) {
        List<String> missing = new ArrayList<>();
        if (b.url == null) {
            missing.add("the server URL (Builder.url(...) or " + ENV_URL + ")");
        }
        if (b.apiKey == null) {
            missing.add("the API key (Builder.apiKey(...) or " + ENV_API_KEY + ")");
        }
        if (b.apiSecret == null) {
            missing.add("the API secret (Builder.apiSecret(...) or " + ENV_API_SECRET + ")");
        }
        if (!missing.isEmpty()) {
            throw new AgentException(AgentException.Code.INVALID_CONFIGURATION,
                    "worker options are incomplete; missing " + String.join(", ", missing));
        }
        if (b.pingTimeout.compareTo(b.pingInterval) <= 0) {
            throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, "pingTimeout (" + b.pingTimeout
                    + ") must be longer than pingInterval (" + b.pingInterval + ")");
        }
        this.url = b.url;
        this.apiKey = b.apiKey;
        this.apiSecret = b.apiSecret;
        this.agentName = b.agentName;
        this.jobType = b.jobType;
        this.maxConcurrentJobs = b.maxConcurrentJobs;
        this.loadCalculator = b.loadCalculator;
        this.loadThresholdSet = b.loadThreshold != null;
        this.loadThreshold = loadThresholdSet ? b.loadThreshold : b.loadCalculator.defaultThreshold();
        this.namespace = b.namespace;
        this.permissions = b.permissions;
        this.version = b.version;
        this.reconnectPolicy = b.reconnectPolicy;
        this.drainTimeout = b.drainTimeout;
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.availabilityTimeout = b.availabilityTimeout;
        this.assignmentTimeout = b.assignmentTimeout;
        this.jobShutdownTimeout = b.jobShutdownTimeout;
        this.statusInterval = b.statusInterval;
        this.connectTimeout = b.connectTimeout;
        this.jobExecutor = b.jobExecutor;
        this.shutdownJobExecutor = b.shutdownJobExecutor;
        this.healthPort = b.healthPort;
        this.healthHost = b.healthHost;
    }

    /** A builder with every default and nothing read from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options from the environment: {@value #ENV_URL}, {@value #ENV_API_KEY}, {@value #ENV_API_SECRET}
     * (required) and {@value #ENV_AGENT_NAME} (optional); everything else at its default.
     *
     * @throws AgentException {@link AgentException.Code#INVALID_CONFIGURATION} naming every missing variable
     */
    public static WorkerOptions fromEnv() {
        return builder().fromEnv().build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder().url(url).apiKey(apiKey).apiSecret(apiSecret).agentName(agentName)
                .maxConcurrentJobs(maxConcurrentJobs).loadCalculator(loadCalculator).permissions(permissions)
                .version(version).reconnectPolicy(reconnectPolicy).drainTimeout(drainTimeout)
                .pingInterval(pingInterval).pingTimeout(pingTimeout).availabilityTimeout(availabilityTimeout)
                .assignmentTimeout(assignmentTimeout).jobShutdownTimeout(jobShutdownTimeout)
                .statusInterval(statusInterval).connectTimeout(connectTimeout);
        b.jobType = jobType;
        b.namespace = namespace;
        if (loadThresholdSet) {
            b.loadThreshold(loadThreshold);
        }
        if (jobExecutor != null) {
            b.jobExecutor(jobExecutor, shutdownJobExecutor);
        }
        b.healthPort = healthPort;
        b.healthHost = healthHost;
        return b;
    }

    /** The LiveKit server URL as given ({@code ws://}, {@code wss://}, {@code http://} or {@code https://}). */
    public String url() {
        return url;
    }

    /** The API key; the worker signs its registration token with it and {@link #apiSecret()}. */
    public String apiKey() {
        return apiKey;
    }

    /** The API secret. */
    public String apiSecret() {
        return apiSecret;
    }

    /** The agent name; empty for automatic dispatch (jobs of every room), non-empty for explicit dispatch only. */
    public String agentName() {
        return agentName;
    }

    /** The job type asked for; empty means the handler's type, else {@link JobType#ROOM}. */
    public Optional<JobType> jobType() {
        return Optional.ofNullable(jobType);
    }

    /** The most jobs the worker runs (or has accepted) at once. */
    public int maxConcurrentJobs() {
        return maxConcurrentJobs;
    }

    /** The load calculator. */
    public LoadCalculator loadCalculator() {
        return loadCalculator;
    }

    /** The load at or above which the worker reports itself full and rejects offers. */
    public double loadThreshold() {
        return loadThreshold;
    }

    /** The namespace (deprecated by LiveKit; empty unless set). */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    /** The permissions of the worker's agents in their rooms. */
    public WorkerPermissions permissions() {
        return permissions;
    }

    /** The version string sent with the registration. */
    public String version() {
        return version;
    }

    /** The reconnect policy. */
    public ReconnectPolicy reconnectPolicy() {
        return reconnectPolicy;
    }

    /** How long {@link Worker#stop()} waits for running jobs before cancelling them. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** How often the worker pings the server (a {@code WorkerPing} message and a WebSocket ping). */
    public Duration pingInterval() {
        return pingInterval;
    }

    /**
     * How long the connection may stay silent before the worker considers it dead and reconnects. The server
     * answers every ping, so a healthy connection is never silent longer than {@link #pingInterval()}.
     */
    public Duration pingTimeout() {
        return pingTimeout;
    }

    /** How long {@link JobHandler#onJobRequest} may take; later, the offer is rejected. */
    public Duration availabilityTimeout() {
        return availabilityTimeout;
    }

    /** How long an accepted job's slot stays reserved waiting for the server's assignment. */
    public Duration assignmentTimeout() {
        return assignmentTimeout;
    }

    /** How long a cancelled job's handler may take to return before it is abandoned and reported failed. */
    public Duration jobShutdownTimeout() {
        return jobShutdownTimeout;
    }

    /** How often the worker reports its status and load (it also reports at once on a change). */
    public Duration statusInterval() {
        return statusInterval;
    }

    /** The limit for each connection step: TCP connect, WebSocket upgrade, and the registration answer. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The caller's executor for job handlers, if one was given. */
    public Optional<ExecutorService> jobExecutor() {
        return Optional.ofNullable(jobExecutor);
    }

    /** Whether the worker shuts {@link #jobExecutor()} down when it stops. */
    public boolean shutdownJobExecutor() {
        return shutdownJobExecutor;
    }

    /**
     * The port of the health server (see the class description): empty when it is off (the default), 0 for any
     * free port ({@link Worker#healthAddress()} tells which), else the port.
     */
    public OptionalInt healthPort() {
        return healthPort < 0 ? OptionalInt.empty() : OptionalInt.of(healthPort);
    }

    /**
     * The host name or address the health server listens on; empty for all interfaces (the default, as LiveKit's
     * workers: an orchestrator probes the pod's address, not loopback).
     */
    public Optional<String> healthHost() {
        return Optional.ofNullable(healthHost);
    }

    @Override
    public String toString() {
        return "WorkerOptions{url=" + url + ", apiKey=" + apiKey + ", apiSecret=***"
                + ", agentName='" + agentName + "', jobType=" + (jobType == null ? "(handler's)" : jobType)
                + ", maxConcurrentJobs=" + maxConcurrentJobs + ", loadCalculator=" + loadCalculator
                + ", loadThreshold=" + loadThreshold + (namespace == null ? "" : ", namespace=" + namespace)
                + ", version=" + version + ", " + reconnectPolicy + ", drainTimeout=" + drainTimeout
                + ", pingInterval=" + pingInterval + ", pingTimeout=" + pingTimeout
                + ", availabilityTimeout=" + availabilityTimeout
                + (healthPort < 0 ? "" : ", health=" + (healthHost == null ? "*" : healthHost) + ":" + healthPort)
                + '}';
    }

    static Duration requireNonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
        return d;
    }

    static Duration requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    /** Builds {@link WorkerOptions}. Not thread-safe. */
    public static final class Builder {
        private String url;
        private String apiKey;
        private String apiSecret;
        private String agentName = "";
        private boolean agentNameSet;
        private JobType jobType;
        private int maxConcurrentJobs = DEFAULT_MAX_CONCURRENT_JOBS;
        private LoadCalculator loadCalculator = LoadCalculator.activeJobs();
        private Double loadThreshold;
        private String namespace;
        private WorkerPermissions permissions = WorkerPermissions.defaults();
        private String version = AgentsVersion.get();
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
        private Duration drainTimeout = Duration.ofMinutes(10);
        private Duration pingInterval = Duration.ofSeconds(10);
        private Duration pingTimeout = Duration.ofSeconds(30);
        private Duration availabilityTimeout = Duration.ofMillis(1500);
        private Duration assignmentTimeout = Duration.ofMillis(7500);
        private Duration jobShutdownTimeout = Duration.ofSeconds(10);
        private Duration statusInterval = Duration.ofMillis(2500);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private ExecutorService jobExecutor;
        private boolean shutdownJobExecutor;
        private int healthPort = -1;
        private String healthHost;

        private Builder() {
        }

        /**
         * Fills the settings not given yet from the process environment: {@value #ENV_URL},
         * {@value #ENV_API_KEY}, {@value #ENV_API_SECRET}, {@value #ENV_AGENT_NAME}.
         */
        public Builder fromEnv() {
            return fromEnv(System.getenv());
        }

        /** Like {@link #fromEnv()}, from the given map (for tests and for other configuration sources). */
        public Builder fromEnv(Map<String, String> env) {
            Objects.requireNonNull(env, "env");
            if (url == null && present(env, ENV_URL)) {
                url(env.get(ENV_URL).trim(), ENV_URL);
            }
            if (apiKey == null && present(env, ENV_API_KEY)) {
                apiKey = env.get(ENV_API_KEY).trim();
            }
            if (apiSecret == null && present(env, ENV_API_SECRET)) {
                apiSecret = env.get(ENV_API_SECRET).trim();
            }
            if (!agentNameSet && env.get(ENV_AGENT_NAME) != null) {
                agentName = env.get(ENV_AGENT_NAME).trim();
            }
            return this;
        }

        private static boolean present(Map<String, String> env, String name) {
            String v = env.get(name);
            return v != null && !v.isBlank();
        }

        /**
         * The LiveKit server URL: {@code ws://}, {@code wss://}, {@code http://} or {@code https://}, optionally
         * with a base path; the worker connects to {@code <url>/agent}.
         */
        public Builder url(String url) {
            return url(url, "url");
        }

        private Builder url(String url, String source) {
            Objects.requireNonNull(url, "url");
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!List.of("ws", "wss", "http", "https").contains(scheme) || uri.getHost() == null) {
                    throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, source + " '" + url
                            + "' is not a LiveKit server URL; expected ws://host:port or wss://host (http/https also work)");
                }
            } catch (URISyntaxException e) {
                throw new AgentException(AgentException.Code.INVALID_CONFIGURATION,
                        source + " '" + url + "' is not a valid URL: " + e.getMessage(), e);
            }
            this.url = url;
            return this;
        }

        /** The API key. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Values.requireNonBlank(apiKey, "apiKey");
            return this;
        }

        /** The API secret. */
        public Builder apiSecret(String apiSecret) {
            this.apiSecret = Values.requireNonBlank(apiSecret, "apiSecret");
            return this;
        }

        /** The agent name; empty for automatic dispatch. */
        public Builder agentName(String agentName) {
            this.agentName = Objects.requireNonNull(agentName, "agentName");
            this.agentNameSet = true;
            return this;
        }

        /** The job type; must agree with the handler's type if it fixes one. */
        public Builder jobType(JobType jobType) {
            this.jobType = Objects.requireNonNull(jobType, "jobType");
            return this;
        }

        /** The job cap, at least 1. */
        public Builder maxConcurrentJobs(int maxConcurrentJobs) {
            if (maxConcurrentJobs < 1) {
                throw new IllegalArgumentException("maxConcurrentJobs must be >= 1, got " + maxConcurrentJobs);
            }
            this.maxConcurrentJobs = maxConcurrentJobs;
            return this;
        }

        /** The load calculator. */
        public Builder loadCalculator(LoadCalculator loadCalculator) {
            this.loadCalculator = Objects.requireNonNull(loadCalculator, "loadCalculator");
            return this;
        }

        /** The load threshold, in (0, 1]; full at or above it. */
        public Builder loadThreshold(double loadThreshold) {
            if (!(loadThreshold > 0.0 && loadThreshold <= 1.0)) {
                throw new IllegalArgumentException("loadThreshold must be within (0, 1], got " + loadThreshold);
            }
            this.loadThreshold = loadThreshold;
            return this;
        }

        /** The namespace (deprecated by LiveKit). */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** The permissions. */
        public Builder permissions(WorkerPermissions permissions) {
            this.permissions = Objects.requireNonNull(permissions, "permissions");
            return this;
        }

        /** The version string sent with the registration. */
        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** The reconnect policy. */
        public Builder reconnectPolicy(ReconnectPolicy reconnectPolicy) {
            this.reconnectPolicy = Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
            return this;
        }

        /** The drain timeout; zero cancels running jobs at once on {@link Worker#stop()}. */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = requireNonNegative(drainTimeout, "drainTimeout");
            return this;
        }

        /** The ping interval. */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = requirePositive(pingInterval, "pingInterval");
            return this;
        }

        /** The ping timeout; longer than the ping interval. */
        public Builder pingTimeout(Duration pingTimeout) {
            this.pingTimeout = requirePositive(pingTimeout, "pingTimeout");
            return this;
        }

        /** The time box of {@link JobHandler#onJobRequest}. Keep it well under 3 s. */
        public Builder availabilityTimeout(Duration availabilityTimeout) {
            this.availabilityTimeout = requirePositive(availabilityTimeout, "availabilityTimeout");
            return this;
        }

        /** How long to wait for the assignment of an accepted job. */
        public Builder assignmentTimeout(Duration assignmentTimeout) {
            this.assignmentTimeout = requirePositive(assignmentTimeout, "assignmentTimeout");
            return this;
        }

        /** How long a cancelled handler may take to return. */
        public Builder jobShutdownTimeout(Duration jobShutdownTimeout) {
            this.jobShutdownTimeout = requireNonNegative(jobShutdownTimeout, "jobShutdownTimeout");
            return this;
        }

        /** The status report interval. */
        public Builder statusInterval(Duration statusInterval) {
            this.statusInterval = requirePositive(statusInterval, "statusInterval");
            return this;
        }

        /** The limit of each connection step. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Runs job handlers (and request decisions) on the caller's executor instead of the SDK's threads. It
         * must run each task on its own thread at once (a cached or virtual-thread-per-task executor): a job
         * holds its thread until it ends.
         *
         * @param executor          the executor
         * @param shutdownWithWorker whether the worker shuts it down when it stops; otherwise the caller does
         */
        public Builder jobExecutor(ExecutorService executor, boolean shutdownWithWorker) {
            this.jobExecutor = Objects.requireNonNull(executor, "executor");
            this.shutdownJobExecutor = shutdownWithWorker;
            return this;
        }

        /**
         * Serves the health endpoints (see the class description) on this port from {@link Worker#start()} until
         * the worker stops.
         *
         * @param port {@value #DEFAULT_HEALTH_PORT} ({@link #DEFAULT_HEALTH_PORT}) as LiveKit's workers in
         *             production; 0 for any free port (several workers in one JVM or host, tests); negative turns
         *             the server off, as {@link #disableHealthServer()}
         * @throws IllegalArgumentException if the port is above 65535
         */
        public Builder healthPort(int port) {
            if (port > 65535) {
                throw new IllegalArgumentException("healthPort must be within 0..65535 (or negative for off), got " + port);
            }
            this.healthPort = Math.max(-1, port);
            return this;
        }

        /** Turns the health server off (the default). */
        public Builder disableHealthServer() {
            this.healthPort = -1;
            return this;
        }

        /**
         * The host name or address the health server listens on, e.g. {@code "127.0.0.1"} to answer local
         * clients only; empty for all interfaces (the default). Resolved when the worker starts.
         */
        public Builder healthHost(String host) {
            Objects.requireNonNull(host, "host");
            this.healthHost = host.isBlank() ? null : host.trim();
            return this;
        }

        /**
         * Builds the options.
         *
         * @throws AgentException {@link AgentException.Code#INVALID_CONFIGURATION} naming each missing setting
         *                        and its environment variable
         */
        public WorkerOptions build() {
            return new WorkerOptions(this);
        }
    }
}
