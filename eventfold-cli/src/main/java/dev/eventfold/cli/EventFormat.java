package dev.eventfold.cli;

import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** How events are printed: an aligned table for people, JSON for scripts. */
final class EventFormat {
    /** Output formats of the commands that print events. */
    enum Output { table, json }

    private static final int PAYLOAD_WIDTH = 60;

    private EventFormat() {
    }

    /** A table with a header; the payload cut to {@value #PAYLOAD_WIDTH} characters. */
    static void table(PrintWriter out, List<EventRecord> events) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"VERSION", "EVENT TYPE", "EVENT ID", "OCCURRED AT", "TENANT", "PAYLOAD"});
        for (EventRecord e : events) {
            rows.add(row(e));
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                if (i == 0) {
                    sb.append(" ".repeat(widths[i] - cell.length())).append(cell); // numbers right-aligned
                } else if (i == r.length - 1) {
                    sb.append(cell);
                } else {
                    sb.append(cell).append(" ".repeat(widths[i] - cell.length()));
                }
                if (i < r.length - 1) {
                    sb.append("  ");
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** One line per event, for {@code tail}: version, aggregate, type, id, time, payload. */
    static String line(EventRecord e) {
        return "v" + e.version() + "  " + e.aggregate() + "  " + e.eventType() + "  " + e.eventId() + "  "
                + dash(e.occurredAt()) + "  " + payload(e) + (e.meta().isReplay() ? "  (replay)" : "");
    }

    /** The page as WIRE.md section 5 shapes it: {@code {data, cursor, hasMore}}, events as stored items. */
    static ObjectNode pageJson(Page<EventRecord> page) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        ArrayNode data = o.putArray("data");
        page.data().forEach(e -> data.add(EventItems.toMessageJson(e)));
        if (page.cursor() == null) {
            o.putNull("cursor");
        } else {
            o.put("cursor", page.cursor());
        }
        o.put("hasMore", page.hasMore());
        return o;
    }

    private static String[] row(EventRecord e) {
        return new String[]{Long.toString(e.version()), e.eventType(), e.eventId(), dash(e.occurredAt()),
                dash(e.tenantId()), payload(e)};
    }

    private static String payload(EventRecord e) {
        JsonNode p = e.payload();
        if (p.isMissingNode()) {
            return "-";
        }
        String s = EventJson.write(p);
        return s.length() <= PAYLOAD_WIDTH ? s : s.substring(0, PAYLOAD_WIDTH - 3) + "...";
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
