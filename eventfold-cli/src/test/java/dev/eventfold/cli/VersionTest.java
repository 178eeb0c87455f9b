package dev.eventfold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --version} comes from the pom, through the filtered version.properties: one source of truth. */
class VersionTest {
    @Test
    void the_version_is_the_poms() {
        CliRun r = CliRun.run("--version");
        assertThat(r.exitCode()).isEqualTo(EventfoldCli.EXIT_OK);
        assertThat(r.outLines()).containsExactly("eventfold " + System.getProperty("eventfold.project.version"));
        assertThat(r.out()).doesNotContain("${").matches("eventfold \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
    }
}
