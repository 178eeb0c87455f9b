package dev.eventfold.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The copies of the wire vectors in this module must stay identical to {@code shared/spec/vectors}. */
class WireVectorsTest {
    @Test
    void the_copied_vectors_equal_the_shared_originals() throws IOException {
        String root = System.getenv("EVENTFOLD_ROOT");
        Path shared = root == null ? null : Path.of(root).resolve("../shared/spec/vectors").normalize();
        Assumptions.assumeTrue(shared != null && Files.isDirectory(shared), "shared/spec/vectors is not beside the repository");
        for (String name : List.of(WireVectors.EVENT_ITEM, WireVectors.EVENT_MESSAGE, WireVectors.FANOUT_ENTRIES,
                WireVectors.HEAD_ITEM, WireVectors.KEYS)) {
            assertThat(WireVectors.text(name)).as(name).isEqualTo(Files.readString(shared.resolve(name)));
        }
    }
}
