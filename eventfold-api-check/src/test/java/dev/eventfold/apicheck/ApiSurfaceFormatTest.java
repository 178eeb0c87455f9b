package dev.eventfold.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a line of an API file says, on one fixture that has a bit of everything. */
class ApiSurfaceFormatTest {

    @TempDir
    Path dir;

    @Test
    void the_file_lists_kinds_modifiers_supertypes_generic_signatures_and_members_one_per_line() {
        Fixture f = Fixture.in(dir, "v1").java("dev/eventfold/fixture/Shapes.java", """
                package dev.eventfold.fixture;
                import java.io.IOException;
                import java.util.*;
                import java.util.function.Function;
                public abstract class Shapes<T extends Comparable<? super T>> implements Iterable<T> {
                    public static final int MAX = 3;
                    protected String name;
                    String packagePrivate;
                    public Shapes() { }
                    protected Shapes(String name) throws IOException, IllegalStateException { }
                    public abstract <R> List<R> map(Function<? super T, ? extends R> f, int... extra);
                    public static <K, V extends Number & Comparable<V>> Map<K, V[]> index(Map<K, List<V>>[] maps) { return null; }
                    protected void hook() { }
                    public final void done() { }
                    private void secret() { }
                    public enum Color { RED, GREEN { }; public Color next() { return this; } }
                    public record Point(int x, List<String> labels) implements Comparable<Point> {
                        public int compareTo(Point o) { return 0; }
                    }
                    public interface Visitor<R> {
                        R visit(Point p);
                        default R other() { return null; }
                        static Visitor<String> none() { return null; }
                    }
                    public @interface Marker { String value() default ""; }
                    public sealed interface Node permits Leaf, Branch { }
                    public static final class Leaf implements Node { }
                    public static non-sealed class Branch implements Node { }
                    protected static class ForSubclasses { public void x() { } }
                    static class Hidden { public void y() { } }
                    public class Inner { public Inner(String s) { } }
                }
                """)
                .java("dev/eventfold/fixture/Impl.java", """
                package dev.eventfold.fixture;
                abstract class Base implements Runnable {
                    public void run() { }
                    public String fromBase() { return ""; }
                    protected void prot() { }
                    public static final String KEY = "k";
                }
                public final class Impl extends Base {
                    protected void notApiInAFinalClass() { }
                    @Override public String fromBase() { return "x"; }
                }
                """)
                .compile();

        // Sorted by type, then: the type, record components, enum constants, fields, constructors, methods.
        // Not listed: private and package-private members and types (Hidden), protected members of a
        // final class; listed: public members inherited from a superclass that is not API (Base).
        assertThat(f.surface().lines()).containsExactly(
                "dev.eventfold.fixture.Impl: public final class Impl extends dev.eventfold.fixture.Base implements Runnable",
                "dev.eventfold.fixture.Impl: public static final String KEY",
                "dev.eventfold.fixture.Impl: public Impl()",
                "dev.eventfold.fixture.Impl: public String fromBase()",
                "dev.eventfold.fixture.Impl: public void run()",
                "dev.eventfold.fixture.Shapes: public abstract class Shapes<T extends Comparable<? super T>> implements Iterable<T>",
                "dev.eventfold.fixture.Shapes: protected String name",
                "dev.eventfold.fixture.Shapes: public static final int MAX",
                "dev.eventfold.fixture.Shapes: protected Shapes(String) throws IllegalStateException, java.io.IOException",
                "dev.eventfold.fixture.Shapes: public Shapes()",
                "dev.eventfold.fixture.Shapes: protected void hook()",
                "dev.eventfold.fixture.Shapes: public abstract <R> java.util.List<R> map(java.util.function.Function<? super T, ? extends R>, int...)",
                "dev.eventfold.fixture.Shapes: public final void done()",
                "dev.eventfold.fixture.Shapes: public static <K, V extends Number & Comparable<V>> java.util.Map<K, V[]> index(java.util.Map<K, java.util.List<V>>[])",
                "dev.eventfold.fixture.Shapes.Branch: public static non-sealed class Branch implements dev.eventfold.fixture.Shapes.Node",
                "dev.eventfold.fixture.Shapes.Branch: public Branch()",
                "dev.eventfold.fixture.Shapes.Color: public enum Color",
                "dev.eventfold.fixture.Shapes.Color: enum constant GREEN",
                "dev.eventfold.fixture.Shapes.Color: enum constant RED",
                "dev.eventfold.fixture.Shapes.Color: public dev.eventfold.fixture.Shapes.Color next()",
                "dev.eventfold.fixture.Shapes.Color: public static dev.eventfold.fixture.Shapes.Color valueOf(String)",
                "dev.eventfold.fixture.Shapes.Color: public static dev.eventfold.fixture.Shapes.Color[] values()",
                "dev.eventfold.fixture.Shapes.ForSubclasses: protected static class ForSubclasses",
                "dev.eventfold.fixture.Shapes.ForSubclasses: protected ForSubclasses()",
                "dev.eventfold.fixture.Shapes.ForSubclasses: public void x()",
                "dev.eventfold.fixture.Shapes.Inner: public class Inner",
                "dev.eventfold.fixture.Shapes.Inner: public Inner(String)",
                "dev.eventfold.fixture.Shapes.Leaf: public static final class Leaf implements dev.eventfold.fixture.Shapes.Node",
                "dev.eventfold.fixture.Shapes.Leaf: public Leaf()",
                "dev.eventfold.fixture.Shapes.Marker: public @interface Marker",
                "dev.eventfold.fixture.Shapes.Marker: public abstract String value()",
                "dev.eventfold.fixture.Shapes.Node: public sealed interface Node permits dev.eventfold.fixture.Shapes.Branch, dev.eventfold.fixture.Shapes.Leaf",
                "dev.eventfold.fixture.Shapes.Point: public record Point implements Comparable<dev.eventfold.fixture.Shapes.Point>",
                "dev.eventfold.fixture.Shapes.Point: record component #1 int x",
                "dev.eventfold.fixture.Shapes.Point: record component #2 java.util.List<String> labels",
                "dev.eventfold.fixture.Shapes.Point: public Point(int, java.util.List<String>)",
                "dev.eventfold.fixture.Shapes.Point: public final String toString()",
                "dev.eventfold.fixture.Shapes.Point: public final boolean equals(Object)",
                "dev.eventfold.fixture.Shapes.Point: public final int hashCode()",
                "dev.eventfold.fixture.Shapes.Point: public int compareTo(dev.eventfold.fixture.Shapes.Point)",
                "dev.eventfold.fixture.Shapes.Point: public int x()",
                "dev.eventfold.fixture.Shapes.Point: public java.util.List<String> labels()",
                "dev.eventfold.fixture.Shapes.Visitor: public interface Visitor<R>",
                "dev.eventfold.fixture.Shapes.Visitor: public abstract R visit(dev.eventfold.fixture.Shapes.Point)",
                "dev.eventfold.fixture.Shapes.Visitor: public default R other()",
                "dev.eventfold.fixture.Shapes.Visitor: public static dev.eventfold.fixture.Shapes.Visitor<String> none()");
        assertThat(f.surface().leaks()).isEmpty();
    }
}
