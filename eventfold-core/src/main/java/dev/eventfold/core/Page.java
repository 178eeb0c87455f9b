package dev.eventfold.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a listing: the reference runtime's {@code {data, cursor, hasMore}}. Pass
 * {@link #cursor()} back to continue where this page stopped.
 *
 * @param cursor null on the last page
 */
public record Page<T>(List<T> data, String cursor) {
    public Page {
        data = List.copyOf(data);
    }

    public static <T> Page<T> last(List<T> data) {
        return new Page<>(data, null);
    }

    public boolean hasMore() {
        return cursor != null;
    }

    public Optional<String> nextCursor() {
        return Optional.ofNullable(cursor);
    }

    public <R> Page<R> map(Function<? super T, ? extends R> f) {
        return new Page<>(data.stream().<R>map(f).toList(), cursor);
    }
}
