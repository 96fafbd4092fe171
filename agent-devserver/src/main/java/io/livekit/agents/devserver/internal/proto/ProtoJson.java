package io.livekit.agents.devserver.internal.proto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import java.util.List;
import java.util.Map;

/**
 * protojson for LiveKit messages: parses ignoring unknown fields (either JSON naming style) and prints with proto
 * or camelCase names. The {@link NewerFields} that the bundled classes lack ({@code deployment},
 * {@code attributes}) are carried both ways too.
 */
public final class ProtoJson {

    private record Extra(int number, String protoName, String jsonName, boolean map) {
    }

    private static final Map<String, List<Extra>> EXTRAS = Map.of(
            "livekit.CreateAgentDispatchRequest", List.of(
                    new Extra(NewerFields.CREATE_DISPATCH_DEPLOYMENT, "deployment", "deployment", false),
                    new Extra(NewerFields.CREATE_DISPATCH_ATTRIBUTES, "attributes", "attributes", true)),
            "livekit.RoomAgentDispatch", List.of(
                    new Extra(NewerFields.ROOM_DISPATCH_DEPLOYMENT, "deployment", "deployment", false),
                    new Extra(NewerFields.ROOM_DISPATCH_ATTRIBUTES, "attributes", "attributes", true)),
            "livekit.AgentDispatch", List.of(
                    new Extra(NewerFields.DISPATCH_DEPLOYMENT, "deployment", "deployment", false),
                    new Extra(NewerFields.DISPATCH_ATTRIBUTES, "attributes", "attributes", true)),
            "livekit.Job", List.of(
                    new Extra(NewerFields.JOB_DEPLOYMENT, "deployment", "deployment", false),
                    new Extra(NewerFields.JOB_ATTRIBUTES, "attributes", "attributes", true)),
            "livekit.RegisterWorkerRequest", List.of(
                    new Extra(NewerFields.REGISTER_DEPLOYMENT, "deployment", "deployment", false)));

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PROTO_NAMES =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Printer CAMEL_NAMES = JsonFormat.printer().omittingInsignificantWhitespace();

    private ProtoJson() {
    }

    /**
     * Merges protojson into a builder.
     *
     * @throws InvalidProtocolBufferException when the text is not valid JSON for the message
     */
    public static void merge(String json, Message.Builder builder) throws InvalidProtocolBufferException {
        try {
            PARSER.merge(json, builder);
            JsonNode root = MAPPER.readTree(json);
            if (root != null && root.isObject()) {
                readExtras((ObjectNode) root, builder);
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidProtocolBufferException("invalid JSON: " + e.getMessage());
        }
    }

    /**
     * Prints a message as protojson.
     *
     * @param protoNames {@code true} for proto field names (as Twirp servers answer), {@code false} for camelCase
     */
    public static String print(MessageOrBuilder message, boolean protoNames) {
        try {
            String json = (protoNames ? PROTO_NAMES : CAMEL_NAMES).print(message);
            if (!hasExtras(message)) {
                return json;
            }
            ObjectNode root = (ObjectNode) MAPPER.readTree(json);
            writeExtras(message, root, protoNames);
            return MAPPER.writeValueAsString(root);
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName() + " as JSON", e);
        }
    }

    private static void readExtras(ObjectNode obj, Message.Builder b) {
        for (Extra x : EXTRAS.getOrDefault(b.getDescriptorForType().getFullName(), List.of())) {
            JsonNode v = obj.has(x.jsonName) ? obj.get(x.jsonName) : obj.get(x.protoName);
            if (v == null || v.isNull()) {
                continue;
            }
            if (x.map && v.isObject()) {
                Map<String, String> m = new java.util.LinkedHashMap<>();
                v.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
                NewerFields.setStringMap(b, x.number, m);
            } else if (!x.map && v.isValueNode()) {
                NewerFields.setString(b, x.number, v.asText());
            }
        }
        for (FieldDescriptor fd : b.getDescriptorForType().getFields()) {
            if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE || fd.isMapField()) {
                continue;
            }
            JsonNode v = obj.has(fd.getJsonName()) ? obj.get(fd.getJsonName()) : obj.get(fd.getName());
            if (v == null) {
                continue;
            }
            if (fd.isRepeated()) {
                if (v.isArray()) {
                    for (int i = 0; i < Math.min(v.size(), b.getRepeatedFieldCount(fd)); i++) {
                        if (v.get(i).isObject()) {
                            readExtras((ObjectNode) v.get(i), b.getRepeatedFieldBuilder(fd, i));
                        }
                    }
                }
            } else if (v.isObject() && b.hasField(fd)) {
                readExtras((ObjectNode) v, b.getFieldBuilder(fd));
            }
        }
    }

    private static boolean hasExtras(MessageOrBuilder m) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            return true;
        }
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor fd = e.getKey();
            if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE || fd.isMapField()) {
                continue;
            }
            if (fd.isRepeated()) {
                for (Object o : (List<?>) e.getValue()) {
                    if (hasExtras((MessageOrBuilder) o)) {
                        return true;
                    }
                }
            } else if (hasExtras((MessageOrBuilder) e.getValue())) {
                return true;
            }
        }
        return false;
    }

    private static void writeExtras(MessageOrBuilder m, ObjectNode obj, boolean protoNames) {
        for (Extra x : EXTRAS.getOrDefault(m.getDescriptorForType().getFullName(), List.of())) {
            String key = protoNames ? x.protoName : x.jsonName;
            if (x.map) {
                Map<String, String> values;
                try {
                    values = NewerFields.stringMap(m, x.number);
                } catch (InvalidProtocolBufferException e) {
                    continue;
                }
                if (!values.isEmpty()) {
                    ObjectNode o = obj.putObject(key);
                    values.forEach(o::put);
                }
            } else {
                String v = NewerFields.string(m, x.number);
                if (!v.isEmpty()) {
                    obj.put(key, v);
                }
            }
        }
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor fd = e.getKey();
            if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE || fd.isMapField()) {
                continue;
            }
            JsonNode v = obj.get(protoNames ? fd.getName() : fd.getJsonName());
            if (v == null) {
                continue;
            }
            if (fd.isRepeated() && v.isArray()) {
                List<?> items = (List<?>) e.getValue();
                ArrayNode a = (ArrayNode) v;
                for (int i = 0; i < Math.min(a.size(), items.size()); i++) {
                    if (a.get(i).isObject()) {
                        writeExtras((MessageOrBuilder) items.get(i), (ObjectNode) a.get(i), protoNames);
                    }
                }
            } else if (!fd.isRepeated() && v.isObject()) {
                writeExtras((MessageOrBuilder) e.getValue(), (ObjectNode) v, protoNames);
            }
        }
    }
}
