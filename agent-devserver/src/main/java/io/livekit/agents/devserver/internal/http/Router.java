package io.livekit.agents.devserver.internal.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps request paths to routes: exact paths first, then the longest matching prefix. Routes can be added while the
 * server runs (a later feature adds {@code /rtc} or another Twirp service without touching the others).
 */
public final class Router {

    private final Map<String, HttpRoute> exact = new ConcurrentHashMap<>();
    private final List<Map.Entry<String, HttpRoute>> prefixes = new ArrayList<>();

    /** Serves exactly {@code path}. */
    public Router exact(String path, HttpRoute route) {
        exact.put(Objects.requireNonNull(path), Objects.requireNonNull(route));
        return this;
    }

    /** Serves every path starting with {@code prefix} that has no exact route. */
    public synchronized Router prefix(String prefix, HttpRoute route) {
        prefixes.add(Map.entry(Objects.requireNonNull(prefix), Objects.requireNonNull(route)));
        prefixes.sort((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()));
        return this;
    }

    /** The route of a path, or {@code null}. */
    public HttpRoute match(String path) {
        HttpRoute r = exact.get(path);
        if (r != null) {
            return r;
        }
        synchronized (this) {
            for (Map.Entry<String, HttpRoute> e : prefixes) {
                if (path.startsWith(e.getKey())) {
                    return e.getValue();
                }
            }
        }
        return null;
    }
}
