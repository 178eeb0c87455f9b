package dev.eventfold.core;

import dev.eventfold.apicheck.ApiSurfaceCheck;
import org.junit.jupiter.api.Test;

/**
 * The public API of eventfold-core is the one in {@code api/eventfold-core.api}; no API signature mentions an
 * internal type; every internal package says it has no compatibility promise. See DEVELOPERS.md.
 */
class ApiSurfaceTest {

    @Test
    void the_public_api_is_the_one_recorded_in_the_api_file() {
        ApiSurfaceCheck.ofThisModule().verify();
    }
}
