package dev.eventfold.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.json.EventJson;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a replay stands, to resume it after a stop: per lane (the one lane of an aggregate or
 * tenant selection, or one per scan segment), the last event published and the page it came
 * from. Serialisable with {@link #toJson()} / {@link #fromJson(JsonNode)}.
 *
 * @param selection the {@link ReplaySelector#describe()} of the replay it belongs to
 */
public record ReplayCheckpoint(String selection, Map<Integer, Lane> lanes) {

    /**
     * One lane's position.
     *
     * @param pageCursor the cursor that fetches the page holding the last published event
     *                   (tenant: the page of aggregates; scan: the segment's page); null for the first page
     * @param lastPk     partition key of the last published event; null before the first
     * @param lastSk     its sort key
     * @param done       the lane has nothing left
     */
    public record Lane(String pageCursor, String lastPk, String lastSk, boolean done) {
        public static final Lane START = new Lane(null, null, null, false);

        public Lane finished() {
            return new Lane(pageCursor, lastPk, lastSk, true);
        }

        /** The version of the last published event; 0 before the first. */
        public long lastVersion() {
            return lastSk == null ? 0 : Keys.versionOf(lastSk);
        }
    }

    public ReplayCheckpoint {
        selection = Keys.requireNonBlank("selection", selection);
        lanes = Map.copyOf(lanes);
    }

    public Lane lane(int index) {
        return lanes.getOrDefault(index, Lane.START);
    }

    public ReplayCheckpoint with(int index, Lane lane) {
        Map<Integer, Lane> m = new TreeMap<>(lanes);
        m.put(index, lane);
        return new ReplayCheckpoint(selection, m);
    }

    public boolean allDone(int laneCount) {
        for (int i = 0; i < laneCount; i++) {
            if (!lane(i).done()) {
                return false;
            }
        }
        return true;
    }

    public ObjectNode toJson() {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("selection", selection);
        ObjectNode ls = o.putObject("lanes");
        new TreeMap<>(lanes).forEach((i, l) -> {
            ObjectNode n = ls.putObject(Integer.toString(i));
            if (l.pageCursor() != null) {
                n.put("pageCursor", l.pageCursor());
            }
            if (l.lastPk() != null) {
                n.put("lastPk", l.lastPk());
            }
            if (l.lastSk() != null) {
                n.put("lastSk", l.lastSk());
            }
            n.put("done", l.done());
        });
        return o;
    }

    public static ReplayCheckpoint fromJson(JsonNode o) {
        if (o == null || !o.isObject() || !o.path("selection").isTextual() || !o.path("lanes").isObject()) {
            throw new InvalidInputException("checkpoint", "not a replay checkpoint");
        }
        Map<Integer, Lane> lanes = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : o.get("lanes").properties()) {
            int index;
            try {
                index = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new InvalidInputException("checkpoint", "lane " + e.getKey() + " is not a number");
            }
            JsonNode l = e.getValue();
            lanes.put(index, new Lane(text(l, "pageCursor"), text(l, "lastPk"), text(l, "lastSk"),
                    l.path("done").asBoolean(false)));
        }
        return new ReplayCheckpoint(o.get("selection").textValue(), lanes);
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = o.get(name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
