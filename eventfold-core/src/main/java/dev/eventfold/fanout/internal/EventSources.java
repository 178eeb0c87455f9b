package dev.eventfold.fanout.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The EventBridge {@code Source} of an event without one (WIRE.md section 6): the kebab-case of
 * the part of its aggregateType before the first {@code .}, e.g. {@code walletAccount.line} gives
 * {@code wallet-account}, {@code HTTPServer} gives {@code http-server}.
 */
public final class EventSources {
    private EventSources() {
    }

    public static String fallback(String aggregateType) {
        int dot = aggregateType.indexOf('.');
        String head = dot < 0 ? aggregateType : aggregateType.substring(0, dot);
        String kebab = kebabCase(head);
        // A type of symbols only has no words; its own text is still a usable source.
        return kebab.isEmpty() ? head : kebab;
    }

    /** Words split at non-alphanumerics, lower-to-upper changes and the end of an acronym, joined by '-'. */
    static String kebabCase(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(word, words);
                continue;
            }
            if (word.length() > 0) {
                char prev = s.charAt(i - 1);
                boolean next = i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1));
                if (Character.isUpperCase(c) && (Character.isLowerCase(prev) || Character.isDigit(prev)
                        || (Character.isUpperCase(prev) && next))) {
                    flush(word, words);
                }
            }
            word.append(Character.toLowerCase(c));
        }
        flush(word, words);
        return String.join("-", words).toLowerCase(Locale.ROOT);
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }
}
