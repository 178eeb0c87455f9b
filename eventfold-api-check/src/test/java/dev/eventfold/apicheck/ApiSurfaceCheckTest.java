package dev.eventfold.apicheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API check on small modules compiled on the fly: what makes it fail, and what it says then. */
class ApiSurfaceCheckTest {

    static final String GREETER_V1 = """
            package dev.eventfold.fixture;
            public class Greeter {
                public String greet(String name) { return "hello " + name; }
                public int count() { return 1; }
                private void secret() { }
            }
            """;

    @TempDir
    Path dir;

    Path apiFile() {
        return dir.resolve("api/fixture.api");
    }

    /** Records the API of {@code v1} in the file, as a committed file would be (even if v1 has other problems). */
    void record(Fixture v1) {
        assertThat(v1.check(apiFile()).update(true).build().run().fileRewritten()).isTrue();
    }

    ApiSurfaceCheck.Outcome checkAgainstFile(Fixture version) {
        return version.check(apiFile()).build().run();
    }

    @Nested
    class ComparingWithTheFile {

        @Test
        void an_unchanged_api_passes() {
            Fixture v1 = Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile();
            record(v1);

            Fixture same = Fixture.in(dir, "same").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile();
            assertThat(checkAgainstFile(same).passed()).isTrue();
            same.check(apiFile()).build().verify();
        }

        @Test
        void adding_a_public_method_without_updating_the_file_fails() {
            record(Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile());

            Fixture v2 = Fixture.in(dir, "v2").java("dev/eventfold/fixture/Greeter.java",
                    GREETER_V1.replace("private void secret() { }", "public void wave(int times) { }")).compile();

            ApiSurfaceCheck.Outcome outcome = checkAgainstFile(v2);
            assertThat(outcome.passed()).isFalse();
            assertThat(outcome.message())
                    .contains("fixture: the public API differs from " + apiFile())
                    .contains("  + dev.eventfold.fixture.Greeter: public void wave(int)")
                    .doesNotContain("  - ")
                    .contains("If the change is deliberate, accept it with\n  ACCEPT-COMMAND");
            assertThatThrownBy(() -> v2.check(apiFile()).build().verify())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("+ dev.eventfold.fixture.Greeter: public void wave(int)");
        }

        @Test
        void removing_a_public_method_without_updating_the_file_fails() {
            record(Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile());

            Fixture v2 = Fixture.in(dir, "v2").java("dev/eventfold/fixture/Greeter.java",
                    GREETER_V1.replace("public int count() { return 1; }", "")).compile();

            ApiSurfaceCheck.Outcome outcome = checkAgainstFile(v2);
            assertThat(outcome.passed()).isFalse();
            assertThat(outcome.message())
                    .contains("  - dev.eventfold.fixture.Greeter: public int count()")
                    .doesNotContain("  + ");
        }

        @Test
        void changing_a_method_signature_without_updating_the_file_fails() {
            record(Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile());

            Fixture v2 = Fixture.in(dir, "v2").java("dev/eventfold/fixture/Greeter.java", GREETER_V1.replace(
                    "public String greet(String name)",
                    "public java.util.List<String> greet(CharSequence name) throws java.io.IOException")
                    .replace("return \"hello \" + name;", "return null;")).compile();

            assertThat(checkAgainstFile(v2).message())
                    .contains("  - dev.eventfold.fixture.Greeter: public String greet(String)")
                    .contains("  + dev.eventfold.fixture.Greeter: public java.util.List<String> greet(CharSequence)"
                            + " throws java.io.IOException");
        }

        @Test
        void making_a_class_final_without_updating_the_file_fails() {
            record(Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile());

            Fixture v2 = Fixture.in(dir, "v2").java("dev/eventfold/fixture/Greeter.java",
                    GREETER_V1.replace("public class Greeter", "public final class Greeter")).compile();

            assertThat(checkAgainstFile(v2).message())
                    .contains("  - dev.eventfold.fixture.Greeter: public class Greeter")
                    .contains("  + dev.eventfold.fixture.Greeter: public final class Greeter");
        }

        @Test
        void swapping_two_record_components_of_one_type_fails() {
            String range = "package dev.eventfold.fixture; public record Range(long from, long to) { }";
            record(Fixture.in(dir, "v1").java("dev/eventfold/fixture/Range.java", range).compile());

            Fixture v2 = Fixture.in(dir, "v2").java("dev/eventfold/fixture/Range.java",
                    range.replace("long from, long to", "long to, long from")).compile();

            assertThat(checkAgainstFile(v2).message())
                    .contains("  - dev.eventfold.fixture.Range: record component #1 long from")
                    .contains("  + dev.eventfold.fixture.Range: record component #1 long to");
        }

        @Test
        void private_and_package_private_changes_leave_the_api_alone() {
            record(Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile());

            Fixture v2 = Fixture.in(dir, "v2")
                    .java("dev/eventfold/fixture/Greeter.java", GREETER_V1
                            .replace("private void secret() { }", "private long secret(long x) { return x; } void pkg() { }"))
                    .java("dev/eventfold/fixture/Helper.java", "package dev.eventfold.fixture; class Helper { public void h() { } }")
                    .compile();

            assertThat(checkAgainstFile(v2).passed()).isTrue();
        }

        @Test
        void a_missing_api_file_fails_with_the_command_that_creates_it() {
            Fixture v1 = Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile();

            assertThat(checkAgainstFile(v1).message())
                    .contains("there is no API file " + apiFile() + " yet. Create it with\n  ACCEPT-COMMAND");
        }

        @Test
        void the_default_accept_command_is_the_script_and_the_maven_property() {
            Fixture v1 = Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile();

            assertThat(v1.check(apiFile()).acceptCommand(null).build().run().message())
                    .contains("./scripts/api.sh")
                    .contains("mvn -B -pl fixture -am test -Dtest=ApiSurfaceTest -Dsurefire.failIfNoSpecifiedTests=false"
                            + " -Deventfold.api.update=true");
        }
    }

    @Nested
    class UpdateMode {

        @Test
        void update_mode_rewrites_the_file_and_the_next_check_passes() {
            record(Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile());
            Fixture v2 = Fixture.in(dir, "v2").java("dev/eventfold/fixture/Greeter.java",
                    GREETER_V1.replace("public int count()", "public long count()")).compile();
            assertThat(checkAgainstFile(v2).passed()).isFalse();

            ApiSurfaceCheck.Outcome updated = v2.check(apiFile()).update(true).build().run();

            assertThat(updated.passed()).isTrue();
            assertThat(updated.fileRewritten()).isTrue();
            assertThat(Fixture.read(apiFile()))
                    .contains("dev.eventfold.fixture.Greeter: public long count()\n")
                    .doesNotContain("public int count()");
            assertThat(checkAgainstFile(v2).passed()).isTrue();
            assertThat(v2.check(apiFile()).update(true).build().run().fileRewritten())
                    .as("an up-to-date file is not rewritten").isFalse();
        }

        @Test
        void update_mode_creates_a_missing_file_and_its_directory() {
            Fixture v1 = Fixture.in(dir, "v1").java("dev/eventfold/fixture/Greeter.java", GREETER_V1).compile();

            v1.check(apiFile()).update(true).build().verify();

            assertThat(Fixture.read(apiFile())).isEqualTo("""
                    # Public API of fixture, generated by ./scripts/api.sh from the compiled classes; do not edit. \
                    See DEVELOPERS.md.
                    dev.eventfold.fixture.Greeter: public class Greeter
                    dev.eventfold.fixture.Greeter: public Greeter()
                    dev.eventfold.fixture.Greeter: public String greet(String)
                    dev.eventfold.fixture.Greeter: public int count()
                    """);
        }

        @Test
        void update_mode_does_not_accept_a_leak() {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("dev/eventfold/fixture/internal/package-info.java",
                            "/** Not API: no compatibility promise. */ package dev.eventfold.fixture.internal;")
                    .java("dev/eventfold/fixture/internal/Helper.java", "package dev.eventfold.fixture.internal; public class Helper { }")
                    .java("dev/eventfold/fixture/Api.java",
                            "package dev.eventfold.fixture; public class Api { public dev.eventfold.fixture.internal.Helper helper() { return null; } }")
                    .compile();

            ApiSurfaceCheck.Outcome outcome = v1.check(apiFile()).update(true).build().run();

            assertThat(outcome.passed()).isFalse();
            assertThat(outcome.message()).contains("mentions dev.eventfold.fixture.internal.Helper");
        }
    }

    @Nested
    class InternalTypesInTheApi {

        @Test
        void an_internal_type_in_a_public_signature_fails() {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("dev/eventfold/fixture/internal/package-info.java",
                            "/** Not API: no compatibility promise. */ package dev.eventfold.fixture.internal;")
                    .java("dev/eventfold/fixture/internal/Helper.java",
                            "package dev.eventfold.fixture.internal; public class Helper { public static class Nested { } }")
                    .java("dev/eventfold/fixture/internal/Base.java",
                            "package dev.eventfold.fixture.internal; public abstract class Base { }")
                    .java("dev/eventfold/fixture/internal/Oops.java",
                            "package dev.eventfold.fixture.internal; public class Oops extends Exception { }")
                    .java("dev/eventfold/fixture/Api.java", """
                            package dev.eventfold.fixture;
                            import dev.eventfold.fixture.internal.*;
                            import java.util.List;
                            import java.util.function.Supplier;
                            public class Api extends Base implements Supplier<Helper.Nested> {
                                public Helper helper() { return null; }
                                public void take(List<? extends Helper> helpers) { }
                                public void run() throws Oops { }
                                public <T extends Helper> T typed() { return null; }
                                public Helper[] field;
                                public Helper.Nested get() { return null; }
                                public String fine(String s) { return s; }
                                private Helper hidden() { return null; }
                                public record Value(Helper helper) { }
                            }
                            """)
                    .compile();
            record(v1); // even with the file up to date

            ApiSurfaceCheck.Outcome outcome = checkAgainstFile(v1);

            assertThat(outcome.passed()).isFalse();
            assertThat(outcome.problems()).hasSize(1);
            assertThat(outcome.message())
                    .contains("fixture: the public API mentions types of internal packages (dev.eventfold..internal..)")
                    .contains("dev.eventfold.fixture.Api: public class Api extends dev.eventfold.fixture.internal.Base"
                            + " implements java.util.function.Supplier<dev.eventfold.fixture.internal.Helper.Nested>"
                            + "   <- mentions dev.eventfold.fixture.internal.Base, dev.eventfold.fixture.internal.Helper.Nested")
                    .contains("public dev.eventfold.fixture.internal.Helper helper()   <- mentions dev.eventfold.fixture.internal.Helper")
                    .contains("public void take(java.util.List<? extends dev.eventfold.fixture.internal.Helper>)   <- mentions")
                    .contains("public void run() throws dev.eventfold.fixture.internal.Oops   <- mentions dev.eventfold.fixture.internal.Oops")
                    .contains("public <T extends dev.eventfold.fixture.internal.Helper> T typed()   <- mentions")
                    .contains("public dev.eventfold.fixture.internal.Helper[] field   <- mentions")
                    .contains("dev.eventfold.fixture.Api.Value: record component #1 dev.eventfold.fixture.internal.Helper helper"
                            + "   <- mentions")
                    .doesNotContain("fine(String)")
                    .doesNotContain("hidden()");
        }

        @Test
        void types_of_internal_packages_outside_the_project_are_not_leaks() {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("org/other/internal/Thing.java", "package org.other.internal; public class Thing { }")
                    .java("dev/eventfold/fixture/Api.java",
                            "package dev.eventfold.fixture; public class Api { public org.other.internal.Thing thing() { return null; } }")
                    .compile();

            assertThat(v1.surface().leaks()).isEmpty();
        }
    }

    @Nested
    class InternalPackages {

        static final String HELPER = "package dev.eventfold.fixture.internal; public class Helper { }";

        @Test
        void an_internal_package_without_package_info_fails() {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("dev/eventfold/fixture/internal/Helper.java", HELPER)
                    .java("dev/eventfold/fixture/deep/internal/x/Other.java",
                            "package dev.eventfold.fixture.deep.internal.x; public class Other { }")
                    .compile();
            record(v1);

            ApiSurfaceCheck.Outcome outcome = checkAgainstFile(v1);

            assertThat(outcome.passed()).isFalse();
            assertThat(outcome.message())
                    .contains("fixture: internal packages must say in the Javadoc of their package-info.java that there is"
                            + " \"no compatibility promise\"")
                    .contains("dev.eventfold.fixture.internal: no package-info.java")
                    .contains("dev.eventfold.fixture.deep.internal.x: no package-info.java")
                    .contains("package dev.eventfold.example.internal;");
        }

        @Test
        void an_internal_package_whose_javadoc_makes_no_such_statement_fails() {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("dev/eventfold/fixture/internal/Helper.java", HELPER)
                    .java("dev/eventfold/fixture/internal/package-info.java", """
                            /** Helpers. */
                            // no compatibility promise (but not in the Javadoc)
                            package dev.eventfold.fixture.internal;
                            """)
                    .compile();
            record(v1);

            assertThat(checkAgainstFile(v1).message()).contains(
                    "dev.eventfold.fixture.internal: the Javadoc of package-info.java does not say \"no compatibility promise\"");
        }

        @Test
        void an_internal_package_info_without_javadoc_fails() {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("dev/eventfold/fixture/internal/Helper.java", HELPER)
                    .java("dev/eventfold/fixture/internal/package-info.java", "package dev.eventfold.fixture.internal;")
                    .compile();
            record(v1);

            assertThat(checkAgainstFile(v1).message())
                    .contains("dev.eventfold.fixture.internal: package-info.java has no Javadoc");
        }

        @Test
        void an_internal_package_that_says_it_has_no_compatibility_promise_passes_and_stays_out_of_the_file() {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("dev/eventfold/fixture/internal/Helper.java", HELPER)
                    .java("dev/eventfold/fixture/internal/package-info.java", """
                            /**
                             * Machinery: not API. There is no
                             * Compatibility   Promise for anything in this package.
                             */
                            package dev.eventfold.fixture.internal;
                            """)
                    .java("dev/eventfold/fixture/spi/Hook.java",
                            "package dev.eventfold.fixture.spi; public interface Hook { void call(); }")
                    .java("dev/eventfold/fixture/internalish/Fine.java",
                            "package dev.eventfold.fixture.internalish; public class Fine { }")
                    .compile();
            record(v1);

            assertThat(checkAgainstFile(v1).passed()).isTrue();
            assertThat(Fixture.read(apiFile()))
                    .doesNotContain("Helper")
                    .contains("dev.eventfold.fixture.spi.Hook: public interface Hook\n")
                    .contains("dev.eventfold.fixture.spi.Hook: public abstract void call()\n")
                    .contains("dev.eventfold.fixture.internalish.Fine: public class Fine\n");
        }
    }

    @Nested
    class StaleOutput {

        @Test
        void a_public_class_whose_source_is_gone_is_reported_as_stale_output() throws Exception {
            Fixture v1 = Fixture.in(dir, "v1")
                    .java("dev/eventfold/fixture/Greeter.java", GREETER_V1)
                    .java("dev/eventfold/fixture/Moved.java", "package dev.eventfold.fixture; public class Moved { }")
                    .compile();
            Files.delete(v1.sources.resolve("dev/eventfold/fixture/Moved.java"));

            assertThat(v1.check(apiFile()).update(true).build().run().message())
                    .contains("holds classes whose source file is gone (stale build output; run `mvn clean`)")
                    .contains("dev.eventfold.fixture.Moved");
            assertThat(apiFile()).doesNotExist();
        }
    }
}
