package dev.eventfold.id;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Generates {@link Ulid}s that are unique across threads and strictly increasing within one
 * generator: ids made in the same millisecond (or after the clock stepped back) are the previous
 * id plus one, so they still sort in the order they were made.
 *
 * <p>Randomness is obtained lazily, on the first id, not when the generator is built, and
 * {@link #reseed()} drops it: a Lambda SnapStart snapshot taken after building (or priming) a
 * generator therefore never makes two restored instances draw the same bits (see
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html">Handling
 * uniqueness with Lambda SnapStart</a>). The default source is {@link SecureRandom}.
 *
 * <pre>{@code
 * UlidGenerator ids = UlidGenerator.shared();          // one per process: monotonic process-wide
 * String eventId = ids.nextEventId();                  // "evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2"
 * UlidGenerator fixed = new UlidGenerator(clock, () -> new SplittableRandom(42)); // tests
 * }</pre>
 */
public final class UlidGenerator {
    private final Clock clock;
    private final Supplier<? extends RandomGenerator> randomSource;
    private RandomGenerator random; // guarded by this; null until first use
    private Ulid last;              // guarded by this

    /** System clock, {@link SecureRandom} obtained on first use. */
    public UlidGenerator() {
        this(Clock.systemUTC(), SecureRandom::new);
    }

    /**
     * @param randomSource called on the first id (and after {@link #reseed()}), never in this constructor
     */
    public UlidGenerator(Clock clock, Supplier<? extends RandomGenerator> randomSource) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.randomSource = Objects.requireNonNull(randomSource, "randomSource");
    }

    /** The process-wide generator, so that ids are monotonic across every dispatcher of the process. */
    public static UlidGenerator shared() {
        return Shared.INSTANCE;
    }

    public synchronized Ulid next() {
        long now = clock.millis();
        if (last == null || now > last.timestamp()) {
            RandomGenerator r = random();
            last = Ulid.of(now, r.nextInt(), r.nextLong());
        } else {
            // Same millisecond, or the clock went back: stay above the last id.
            last = last.increment();
        }
        return last;
    }

    /** {@code evt-} + {@link #next()}. */
    public String nextEventId() {
        return next().toEventId();
    }

    /**
     * Forgets the random source, so the next id obtains a fresh one. Call it after a snapshot
     * restore (a CRaC {@code afterRestore} hook) when your source keeps state of its own.
     */
    public synchronized void reseed() {
        random = null;
    }

    private RandomGenerator random() {
        if (random == null) {
            random = Objects.requireNonNull(randomSource.get(), "randomSource returned null");
        }
        return random;
    }

    private static final class Shared {
        // Initialised on first use of shared(), which obtains no randomness yet either.
        static final UlidGenerator INSTANCE = new UlidGenerator();
    }
}
