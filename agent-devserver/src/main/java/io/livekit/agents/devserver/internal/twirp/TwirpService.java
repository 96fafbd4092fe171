package io.livekit.agents.devserver.internal.twirp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Twirp service served at {@code /twirp/<name>/<method>}.
 *
 * @param name    the fully qualified service name ({@code livekit.RoomService})
 * @param methods its methods by name
 */
public record TwirpService(String name, Map<String, TwirpMethod> methods) {

    /** A service from a list of methods. */
    public static TwirpService of(String name, List<TwirpMethod> methods) {
        Map<String, TwirpMethod> m = new LinkedHashMap<>();
        for (TwirpMethod x : methods) {
            m.put(x.name(), x);
        }
        return new TwirpService(name, Map.copyOf(m));
    }
}
