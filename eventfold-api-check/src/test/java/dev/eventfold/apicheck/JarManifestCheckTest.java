package dev.eventfold.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify-phase check of target/*.jar manifests, on jars made by the test. */
class JarManifestCheckTest {

    @TempDir
    Path target;

    void jar(String name, Map<String, String> attributes, String... entries) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(target.resolve(name));
                JarOutputStream jar = new JarOutputStream(out, m)) {
            for (String e : entries) {
                jar.putNextEntry(new JarEntry(e));
                jar.closeEntry();
            }
        }
    }

    List<String> check(String artifactId, String moduleName, Map<String, String> mainClasses) {
        return JarManifestCheck.check(target, artifactId + "-1.0", artifactId, moduleName, mainClasses, new ArrayList<>());
    }

    @Test
    void jars_that_name_the_module_and_keep_their_main_class_pass() throws IOException {
        jar("eventfold-cli-1.0.jar", Map.of("Automatic-Module-Name", "dev.eventfold.cli"));
        jar("eventfold.jar", Map.of("Automatic-Module-Name", "dev.eventfold.cli", "Main-Class", "dev.eventfold.cli.Main"),
                "dev/eventfold/cli/Main.class");

        assertThat(check("eventfold-cli", "dev.eventfold.cli", Map.of("eventfold.jar", "dev.eventfold.cli.Main"))).isEmpty();
    }

    @Test
    void a_jar_without_automatic_module_name_fails() throws IOException {
        jar("eventfold-core-1.0.jar", Map.of("Automatic-Module-Name", "dev.eventfold.core"));
        jar("fat.jar", Map.of());

        assertThat(check("eventfold-core", "dev.eventfold.core", Map.of()))
                .containsExactly("fat.jar: no Automatic-Module-Name in META-INF/MANIFEST.MF");
    }

    @Test
    void a_jar_with_another_module_name_fails() throws IOException {
        jar("eventfold-core-1.0.jar", Map.of("Automatic-Module-Name", "dev.eventfold.aws"));

        assertThat(check("eventfold-core", "dev.eventfold.core", Map.of()))
                .containsExactly("eventfold-core-1.0.jar: Automatic-Module-Name is \"dev.eventfold.aws\", not dev.eventfold.core");
    }

    @Test
    void no_jar_at_all_fails_rather_than_passing_on_nothing() {
        assertThat(check("eventfold-core", "dev.eventfold.core", Map.of()))
                .singleElement().asString().contains("the module jar").contains("eventfold-core-1.0.jar was not built");
    }

    @Test
    void a_module_that_does_not_set_the_property_fails() throws IOException {
        jar("eventfold-new-1.0.jar", Map.of("Automatic-Module-Name", "${eventfold.moduleName}"));

        assertThat(check("eventfold-new", "${eventfold.moduleName}", Map.of())).contains(
                "eventfold.moduleName is \"${eventfold.moduleName}\"; eventfold-new/pom.xml must set it to dev.eventfold.new",
                "\"${eventfold.moduleName}\" is not a valid module name");
    }

    @Test
    void a_main_class_lost_in_shading_fails() throws IOException {
        jar("eventfold-cli-1.0.jar", Map.of("Automatic-Module-Name", "dev.eventfold.cli"));
        jar("eventfold.jar", Map.of("Automatic-Module-Name", "dev.eventfold.cli"));

        assertThat(check("eventfold-cli", "dev.eventfold.cli", Map.of("eventfold.jar", "dev.eventfold.cli.Main")))
                .containsExactly("eventfold.jar: Main-Class is missing, not dev.eventfold.cli.Main");
    }

    @Test
    void a_main_class_that_is_not_in_the_jar_fails() throws IOException {
        jar("eventfold-cli-1.0.jar", Map.of("Automatic-Module-Name", "dev.eventfold.cli"));
        jar("eventfold.jar", Map.of("Automatic-Module-Name", "dev.eventfold.cli", "Main-Class", "dev.eventfold.cli.Main"));

        assertThat(check("eventfold-cli", "dev.eventfold.cli", Map.of("eventfold.jar", "dev.eventfold.cli.Main")))
                .containsExactly("eventfold.jar: Main-Class dev.eventfold.cli.Main is not in the jar");
    }

    @Test
    void the_module_name_follows_the_artifact_id() {
        assertThat(JarManifestCheck.expectedModuleName("eventfold-dynamodb")).isEqualTo("dev.eventfold.dynamodb");
        assertThat(JarManifestCheck.expectedModuleName("eventfold-api-check")).isEqualTo("dev.eventfold.apicheck");
    }
}
