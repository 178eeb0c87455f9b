package dev.eventfold.dynamodb;

import dev.eventfold.apicheck.ApiSurfaceCheck;
import org.junit.jupiter.api.Test;

/**
 * The public API of eventfold-dynamodb is the one in {@code api/eventfold-dynamodb.api}; no API signature mentions an
 * internal type; every internal package says it has no compatibility promise. See DEVELOPERS.md.
 */
class ApiSurfaceTest {

    @Test
    void the_public_api_is_the_one_recorded_in_the_api_file() {
        ApiSurfaceCheck.ofThisModule().verify();
    }
}
