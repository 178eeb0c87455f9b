package dev.eventfold.internal;

/** UTF-8 lengths, counted without encoding (strings can be hundreds of KB). */
public final class Utf8 {
    private Utf8() {
    }

    /** The number of bytes of {@code s} in UTF-8; an unpaired surrogate counts as the 3 bytes of U+FFFD. */
    public static long length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
