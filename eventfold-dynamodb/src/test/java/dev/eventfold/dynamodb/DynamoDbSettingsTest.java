package dev.eventfold.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dynamodb.snapshot.DynamoDbSnapshotStore;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class DynamoDbSettingsTest {
    static final StaticCredentialsProvider KEYS = StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"));

    static DynamoDbSettings.Builder building() {
        return DynamoDbSettings.builder().tableName("events").region(Region.US_EAST_1).credentials(KEYS)
                .endpoint(URI.create("http://127.0.0.1:9"));
    }

    @Nested
    class Checks {
        @Test
        void a_table_name_is_required() {
            assertThatThrownBy(() -> DynamoDbSettings.builder().region(Region.US_EAST_1).build())
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("tableName"));
        }

        @Test
        void a_client_excludes_the_settings_of_one() {
            try (DynamoDbSettings built = building().build()) {
                assertThatThrownBy(() -> DynamoDbSettings.builder().tableName("events").client(built.client())
                        .region(Region.EU_WEST_1).build())
                        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("client"));
            }
        }

        @Test
        void a_call_timeout_must_be_positive() {
            assertThatThrownBy(() -> building().apiCallTimeout(Duration.ZERO).build())
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.field()).isEqualTo("apiCallTimeout"));
        }

        @Test
        void the_components_that_always_needed_a_client_still_refuse_a_table_name_alone() {
            assertThatThrownBy(() -> DynamoDbSnapshotStore.builder().tableName("events").build())
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("client"));
        }
    }

    @Nested
    class TheBuiltClient {
        @Test
        void is_built_on_first_use_once_and_shared_by_variants_with_the_same_client_settings() {
            try (DynamoDbSettings events = building().build()) {
                DynamoDbSettings other = DynamoDbSettings.from(events).tableName("read-model").build();
                DynamoDbSettings elsewhere = DynamoDbSettings.from(events).region(Region.EU_WEST_1).build();

                DynamoDbClient client = events.client();

                assertThat(events.buildsClient()).isTrue();
                assertThat(events.client()).isSameAs(client);
                assertThat(other.client()).isSameAs(client);
                assertThat(other.tableName()).isEqualTo("read-model");
                assertThat(elsewhere.client()).isNotSameAs(client);
                elsewhere.close();
            }
        }

        @Test
        void is_closed_by_its_settings_and_a_later_use_builds_another() {
            DynamoDbSettings events = building().build();
            DynamoDbClient first = events.client();

            events.close();

            assertThat(events.client()).isNotSameAs(first);
            events.close();
        }

        @Test
        void is_the_one_of_a_store_given_the_settings_and_the_store_closes_it() {
            DynamoDbSettings events = building().build();
            DynamoDbEventStore store = DynamoDbEventStore.builder().settings(events).build();
            DynamoDbSnapshotStore.builder().settings(store.settings()).build();

            DynamoDbClient client = store.client();
            assertThat(events.client()).isSameAs(client);
            store.close();

            assertThat(events.client()).isNotSameAs(client);
            events.close();
        }
    }

    @Test
    void a_given_client_is_used_as_it_is_and_never_built() {
        try (DynamoDbSettings built = building().build()) {
            DynamoDbClient mine = built.client();
            DynamoDbSettings given = DynamoDbSettings.of(mine, "events");

            given.close(); // leaves a given client alone

            assertThat(given.buildsClient()).isFalse();
            assertThat(given.client()).isSameAs(mine);
            assertThat(given.givenClient()).containsSame(mine);
            assertThat(DynamoDbEventStore.builder().client(mine).tableName("events").build().client()).isSameAs(mine);
        }
    }

    @Test
    void its_description_names_the_table_and_where_the_client_comes_from_but_no_credentials() {
        assertThat(building().build().toString())
                .contains("table=events", "region=us-east-1", "endpoint=http://127.0.0.1:9", "apiCallTimeout=PT10S")
                .doesNotContain("Static");
    }
}
